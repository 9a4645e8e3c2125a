//! A TCP proxy the test owns, to cut a real connection (a database or a broker going away)
//! and bring it back, without touching the server behind it.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::{AbortHandle, JoinHandle};

/// Forwards every connection to `target` until [`TcpProxy::cut`].
pub struct TcpProxy {
    pub port: u16,
    cut: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<AbortHandle>>>,
    accept: JoinHandle<()>,
}

impl TcpProxy {
    pub async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        let cut = Arc::new(AtomicBool::new(false));
        let open = Arc::new(Mutex::new(Vec::new()));
        let accept = tokio::spawn(forward(listener, target, cut.clone(), open.clone()));
        Self {
            port,
            cut,
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
    open: Arc<Mutex<Vec<AbortHandle>>>,
) {
    while let Ok((mut inbound, _)) = listener.accept().await {
        if cut.load(Ordering::SeqCst) {
            continue; // dropped: closed at once
        }
        let connection = tokio::spawn(async move {
            if let Ok(mut outbound) = TcpStream::connect(target).await {
                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
            }
        });
        open.lock().expect("lock").push(connection.abort_handle());
    }
}
