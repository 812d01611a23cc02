//! # vidchain-edge
//!
//! The edge server of Vidchain: it turns a video file into content (fixed-size chunks and a
//! manifest whose Merkle root is the content's registered root), serves the chunks over HTTP
//! with their Merkle paths, so that viewers and validators' off-chain workers check every chunk
//! against the chain, and exports Prometheus metrics.
//!
//! With a node and an operator key it also takes viewers' signed receipts (checked, stored
//! durably), and claims and proves each epoch on its own.
//!
//! It leans on `vidchain-primitives` (chunk hashes, manifest roots, chunk proofs, content ids,
//! receipts, the sum tree, the HTTP paths) and reaches the chain through subxt and the node's
//! `delivery_*` JSON-RPC methods: it never links the runtime.
//!
//! - [`store`]: content directories (`ingest`, loading);
//! - [`state`]: the one application state ([`state::Edge`]) the handlers and the claimer share;
//! - [`server`]: the HTTP interface; [`error`]: its one error type, which is its answers;
//! - [`intake`]: which receipts are taken, checked against the chain, and why;
//! - [`receipts`]: checking and storing receipts (redb);
//! - [`claimer`]: claiming and proving each epoch;
//! - [`ledger`]: the chain as the intake and the claimer see it (a trait, a fake for tests);
//! - [`chain`]: the node, through subxt and JSON-RPC;
//! - [`fair`]: what one client address may take (connections, receipts, disk reads);
//! - [`access`]: exclusive content (tokens, licenses, streams per viewer); [`cache`]: caches;
//! - [`viewer`]: the viewer command;
//! - [`metrics`]: counters.

pub mod access;
pub mod cache;
pub mod chain;
pub mod claimer;
pub mod error;
pub mod fair;
pub mod intake;
pub mod ledger;
pub mod metrics;
pub mod receipts;
pub mod server;
pub mod state;
pub mod store;
pub mod viewer;

use anyhow::{Context, Result};
use std::{net::SocketAddr, sync::Arc};

/// Serve `edge` on `listen` (and its metrics on `metrics`, if given) until `shutdown` resolves.
/// Returns the address actually bound (port 0 picks a free one) through `bound`.
pub async fn serve(
	edge: Arc<server::Edge>,
	listen: SocketAddr,
	metrics: Option<SocketAddr>,
	bound: Option<tokio::sync::oneshot::Sender<SocketAddr>>,
	shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
	let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("binding {listen}"))?;
	let local = listener.local_addr()?;
	tracing::info!(%local, contents = edge.store.ids().len(), "serving chunks");
	if let Some(addr) = metrics {
		let m = edge.clone();
		let app = axum::Router::new().route("/metrics", axum::routing::get(move || async move { m.metrics.render() }));
		let l = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding metrics {addr}"))?;
		tracing::info!(addr = %l.local_addr()?, "metrics");
		tokio::spawn(async move {
			if let Err(e) = axum::serve(l, app).await {
				tracing::error!(error = %e, "metrics server stopped");
			}
		});
	}
	if let Some(tx) = bound {
		let _ = tx.send(local);
	}
	accept(listener, edge, shutdown).await;
	Ok(())
}

/// Serve `edge` on `listener` until `shutdown`, holding clients to `edge.limits`: at most
/// `max_connections` open, and `connections_per_client` of one client (one more is closed at
/// once and counted), headers within
/// `header_timeout` (which also bounds an idle keep-alive connection), no connection silent both
/// ways for `idle_timeout`. On shutdown, open connections finish their requests (at most 5 s).
async fn accept(listener: tokio::net::TcpListener, edge: Arc<server::Edge>, shutdown: impl std::future::Future<Output = ()>) {
	use hyper_util::{
		rt::{TokioIo, TokioTimer},
		server::graceful::GracefulShutdown,
		service::TowerToHyperService,
	};
	let limits = edge.limits;
	let slots = Arc::new(tokio::sync::Semaphore::new(limits.max_connections.max(1)));
	let graceful = GracefulShutdown::new();
	let router = server::router(edge.clone());
	// Rates of clients not seen for a while are forgotten now and then.
	let forget = {
		let fair = edge.fair.clone();
		tokio::spawn(async move {
			loop {
				tokio::time::sleep(std::time::Duration::from_secs(10)).await;
				fair.forget_idle();
			}
		})
	};
	let mut builder = hyper::server::conn::http1::Builder::new();
	builder.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout).keep_alive(true);
	tokio::pin!(shutdown);
	loop {
		let (socket, peer) = tokio::select! {
			accepted = listener.accept() => match accepted {
				Ok(a) => a,
				Err(e) => {
					// Out of file descriptors and the like: wait a little rather than spin.
					tracing::warn!(error = %e, "accept failed");
					tokio::time::sleep(std::time::Duration::from_millis(50)).await;
					continue;
				},
			},
			() = &mut shutdown => break,
		};
		let client = fair::Client::of(peer.ip());
		let Some(share) = edge.fair.connect(client) else {
			edge.metrics.connections_refused.inc();
			drop(socket);
			continue;
		};
		let Ok(slot) = slots.clone().try_acquire_owned() else {
			edge.metrics.connections_refused.inc();
			drop(socket);
			continue;
		};
		let _ = socket.set_nodelay(true);
		let io = TokioIo::new(idle::Idle::new(socket, limits.idle_timeout));
		// Each request knows its client, for the client's share (`fair`).
		let service = tower::ServiceExt::map_request(router.clone(), move |mut request: hyper::Request<hyper::body::Incoming>| {
			request.extensions_mut().insert(client);
			request
		});
		let conn = builder.serve_connection(io, TowerToHyperService::new(service));
		let conn = graceful.watch(conn);
		tokio::spawn(async move {
			let _slot = (slot, share);
			if let Err(e) = conn.await {
				tracing::debug!(error = %e, "connection ended");
			}
		});
	}
	forget.abort();
	tokio::select! {
		() = graceful.shutdown() => {},
		() = tokio::time::sleep(std::time::Duration::from_secs(5)) => {
			tracing::warn!("connections still open after 5 s: closing them");
		},
	}
}

/// A connection that fails once no byte has moved either way for its timeout.
mod idle {
	use std::{
		future::Future,
		io,
		pin::Pin,
		task::{Context, Poll},
		time::Duration,
	};
	use tokio::{
		io::{AsyncRead, AsyncWrite, ReadBuf},
		time::{Instant, Sleep},
	};

	/// `inner`, closed after `timeout` without progress.
	pub struct Idle<S> {
		inner: S,
		timeout: Duration,
		sleep: Pin<Box<Sleep>>,
	}

	impl<S> Idle<S> {
		pub fn new(inner: S, timeout: Duration) -> Self {
			Idle { inner, timeout, sleep: Box::pin(tokio::time::sleep(timeout)) }
		}

		fn progress(&mut self) {
			self.sleep.as_mut().reset(Instant::now() + self.timeout);
		}

		/// What a write of the inner I/O gave: progress resets the clock; `Pending` may time out.
		fn written(&mut self, cx: &mut Context<'_>, written: Poll<io::Result<usize>>) -> Poll<io::Result<usize>> {
			match written {
				Poll::Ready(Ok(n)) => {
					if n > 0 {
						self.progress();
					}
					Poll::Ready(Ok(n))
				},
				Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
				Poll::Pending => self.pending_or_timeout(cx),
			}
		}

		/// After the inner I/O said `Pending`: an error if the connection has been idle too long.
		fn pending_or_timeout<T>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
			match self.sleep.as_mut().poll(cx) {
				Poll::Ready(()) => Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "connection idle"))),
				Poll::Pending => Poll::Pending,
			}
		}
	}

	impl<S: AsyncRead + Unpin> AsyncRead for Idle<S> {
		fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
			let before = buf.filled().len();
			match Pin::new(&mut self.inner).poll_read(cx, buf) {
				Poll::Ready(Ok(())) => {
					if buf.filled().len() > before {
						self.progress();
					}
					Poll::Ready(Ok(()))
				},
				Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
				Poll::Pending => self.pending_or_timeout(cx),
			}
		}
	}

	impl<S: AsyncWrite + Unpin> AsyncWrite for Idle<S> {
		fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
			let written = Pin::new(&mut self.inner).poll_write(cx, buf);
			self.written(cx, written)
		}

		fn poll_write_vectored(
			mut self: Pin<&mut Self>,
			cx: &mut Context<'_>,
			bufs: &[io::IoSlice<'_>],
		) -> Poll<io::Result<usize>> {
			let written = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
			self.written(cx, written)
		}

		fn is_write_vectored(&self) -> bool {
			self.inner.is_write_vectored()
		}

		fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
			Pin::new(&mut self.inner).poll_flush(cx)
		}

		fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
			Pin::new(&mut self.inner).poll_shutdown(cx)
		}
	}
}

#[cfg(test)]
mod games;
