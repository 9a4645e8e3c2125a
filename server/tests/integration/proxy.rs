//! A TCP proxy the test owns, to cut a real connection (a database or a broker going away),
//! or stall it (connections open, no byte moving: a hung server or a black-holed network),
//! and bring it back, without touching the server behind it.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{AbortHandle, JoinHandle};

/// Forwards every connection to `target` until [`TcpProxy::cut`].
pub struct TcpProxy {
    pub port: u16,
    cut: Arc<AtomicBool>,
    stalled: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<AbortHandle>>>,
    accept: JoinHandle<()>,
}

impl TcpProxy {
    pub async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        let cut = Arc::new(AtomicBool::new(false));
        let stalled = Arc::new(AtomicBool::new(false));
        let open = Arc::new(Mutex::new(Vec::new()));
        let accept = tokio::spawn(forward(
            listener,
            target,
            cut.clone(),
            stalled.clone(),
            open.clone(),
        ));
        Self {
            port,
            cut,
            stalled,
            open,
            accept,
        }
    }

    /// Closes every open connection and refuses new ones (they are accepted and closed at
    /// once, as a server that went away mid-handshake).
    pub fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        for connection in self.open.lock().expect("lock").drain(..) {
            connection.abort();
        }
    }

    /// Forwards new connections again.
    pub fn restore(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }

    /// Holds every byte in both directions, on open and new connections, until
    /// [`TcpProxy::resume`]; no connection is closed.
    pub fn stall(&self) {
        self.stalled.store(true, Ordering::SeqCst);
    }

    /// Moves bytes again.
    pub fn resume(&self) {
        self.stalled.store(false, Ordering::SeqCst);
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.cut();
        self.accept.abort();
    }
}

async fn forward(
    listener: TcpListener,
    target: SocketAddr,
    cut: Arc<AtomicBool>,
    stalled: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<AbortHandle>>>,
) {
    while let Ok((inbound, _)) = listener.accept().await {
        if cut.load(Ordering::SeqCst) {
            continue; // dropped: closed at once
        }
        let stalled = stalled.clone();
        let connection = tokio::spawn(async move {
            if let Ok(outbound) = TcpStream::connect(target).await {
                let (in_read, in_write) = inbound.into_split();
                let (out_read, out_write) = outbound.into_split();
                tokio::join!(
                    pump(in_read, out_write, stalled.clone()),
                    pump(out_read, in_write, stalled),
                );
            }
        });
        open.lock().expect("lock").push(connection.abort_handle());
    }
}

/// Copies `from` to `to` until either side closes, holding each chunk while stalled.
async fn pump(mut from: OwnedReadHalf, mut to: OwnedWriteHalf, stalled: Arc<AtomicBool>) {
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        while stalled.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        if to.write_all(&buffer[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}
