//! The consumers of `serve` and `worker` (one task per enabled deployment) and what their end
//! means for the process.
//!
//! A deployment without `exit_on_exception` never stops: it reconnects with backoff. One with
//! it stops at its first failure: its consumers are `stopped` on the status board with the
//! error, and the other deployments go on. `serve` then keeps serving (the web server, the
//! other deployments and the status page that says what stopped); `worker` exits non-zero with
//! a [`WorkerStopped`] once *every* deployment it runs has stopped, so a supervisor restarts
//! it. v2 ran one worker process per deployment and let it die on an exception:
//! `worker --deployment NAME` is that shape, and its process exits as soon as that deployment
//! stops.

use std::panic::AssertUnwindSafe;

use app::model::ConsumerState;
use futures::FutureExt;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::amqp::{run_deployment, AmqpError, ConsumerContext};

/// A deployment whose consumers stopped for good: it sets `exit_on_exception` and failed, or
/// its task panicked. Names the broker by its URI with the password masked.
#[derive(Debug, thiserror::Error)]
#[error("deployment {deployment} ({broker}) stopped ({}): {error}", why(.error))]
pub struct DeploymentStopped {
    /// The deployment's name.
    pub deployment: String,
    /// Its broker's URI, password masked.
    pub broker: String,
    /// Why it stopped.
    pub error: AmqpError,
}

/// Every deployment a worker runs stopped (each with `exit_on_exception`): nothing is left to
/// consume, so the worker exits non-zero. One line, fit to be the process's exit message.
#[derive(Debug, thiserror::Error)]
#[error("no deployment left running: {}", join(.0))]
pub struct WorkerStopped(pub Vec<DeploymentStopped>);

/// Why a deployment stopped for good: its setting, or a bug.
fn why(error: &AmqpError) -> &'static str {
    match error {
        AmqpError::Panicked(_) => "panic",
        _ => "exit_on_exception",
    }
}

fn join(stopped: &[DeploymentStopped]) -> String {
    let lines: Vec<String> = stopped.iter().map(ToString::to_string).collect();
    lines.join("; ")
}

/// The consumer tasks: each ends with `Ok` at shutdown, or with the deployment that stopped.
pub(super) type Consumers = JoinSet<Result<(), DeploymentStopped>>;

/// Starts the reconnecting consumers of one deployment. A panic inside them (a bug) stops
/// the deployment like a failure with `exit_on_exception`: marked stopped on the board and
/// counted by [`until_all_stopped`], never a silently missing deployment.
pub(super) fn spawn(consumers: &mut Consumers, ctx: ConsumerContext) {
    let deployment = ctx.deployment.name.clone();
    let broker = ctx.config.redacted_uri();
    let board = ctx.board.clone();
    consumers.spawn(async move {
        let outcome = AssertUnwindSafe(run_deployment(ctx))
            .catch_unwind()
            .await
            .unwrap_or_else(|panic| {
                let error = AmqpError::Panicked(panic_message(panic.as_ref()));
                tracing::error!(deployment = %deployment, error = %error, "A deployment's consumers panicked; the deployment is stopped.");
                board.set_deployment_state(
                    &deployment,
                    ConsumerState::Stopped,
                    Some(error.to_string()),
                );
                Err(error)
            });
        outcome.map_err(|error| DeploymentStopped {
            deployment,
            broker,
            error,
        })
    });
}

/// The text of a panic's payload (`panic!` with a literal or a formatted message).
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(ToString::to_string)
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_owned())
}

/// Waits until every consumer task has ended (a worker's life).
///
/// # Errors
/// [`WorkerStopped`] when at least one deployment stopped on a failure and no shutdown was
/// asked for (tasks that ended at shutdown are not failures; a deployment that stopped before
/// a requested shutdown was logged when it stopped).
pub(super) async fn until_all_stopped(
    consumers: &mut Consumers,
    shutdown: &CancellationToken,
) -> Result<(), WorkerStopped> {
    let mut stopped = Vec::new();
    while let Some(joined) = consumers.join_next().await {
        match joined {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                if !consumers.is_empty() {
                    tracing::warn!(deployment = %e.deployment, running = consumers.len(), "A deployment stopped; the worker goes on with the others and exits when none is left.");
                }
                stopped.push(e);
            }
            Err(e) => tracing::error!(error = %e, "A consumer task panicked."),
        }
    }
    if stopped.is_empty() || shutdown.is_cancelled() {
        Ok(())
    } else {
        Err(WorkerStopped(stopped))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_reads_as_its_message() {
        let seven = std::hint::black_box(7);
        let literal = tokio::spawn(async move {
            assert!(seven != 7, "index out of bounds");
        })
        .await;
        let formatted = tokio::spawn(async move {
            assert!(seven != 7, "bad {seven}");
        })
        .await;
        for (joined, text) in [(literal, "index out of bounds"), (formatted, "bad 7")] {
            let panic = joined.expect_err("panicked").into_panic();
            assert_eq!(panic_message(panic.as_ref()), text);
        }
    }

    fn stopped(name: &str) -> DeploymentStopped {
        DeploymentStopped {
            deployment: name.to_owned(),
            broker: format!("amqp://rabbit:***@127.0.0.1:1/%2f#{name}"),
            error: AmqpError::Cancelled("nova".into()),
        }
    }

    /// The exit message is one line naming every stopped deployment and its broker.
    #[test]
    fn the_exit_message_names_each_deployment_on_one_line() {
        let message = WorkerStopped(vec![stopped("east"), stopped("west")]).to_string();
        assert!(!message.contains('\n'), "{message}");
        assert!(message.starts_with("no deployment left running: deployment east ("));
        assert!(message.contains("; deployment west ("), "{message}");
        assert!(message.contains("stopped (exit_on_exception)"), "{message}");
    }

    #[tokio::test]
    async fn a_worker_fails_only_once_every_deployment_has_ended() {
        let shutdown = CancellationToken::new();
        let mut consumers = Consumers::new();
        let (release, released) = tokio::sync::oneshot::channel::<()>();
        consumers.spawn(async { Err(stopped("east")) });
        consumers.spawn(async move {
            let _ = released.await;
            Ok(())
        });
        let mut waiting = std::pin::pin!(until_all_stopped(&mut consumers, &shutdown));
        let early = tokio::time::timeout(std::time::Duration::from_millis(200), &mut waiting);
        assert!(early.await.is_err(), "west still runs: the worker goes on");
        release.send(()).expect("west waits");
        let err = waiting.await.expect_err("east stopped and west ended");
        assert_eq!(err.0.len(), 1);
        assert_eq!(err.0[0].deployment, "east");

        // Ended at a requested shutdown: not a failure.
        shutdown.cancel();
        let mut consumers = Consumers::new();
        consumers.spawn(async { Err(stopped("east")) });
        assert!(until_all_stopped(&mut consumers, &shutdown).await.is_ok());
    }
}
