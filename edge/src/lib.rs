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
//! - [`server`]: the HTTP interface;
//! - [`receipts`]: checking and storing receipts (redb);
//! - [`claimer`]: claiming and proving each epoch;
//! - [`chain`]: the node, through subxt and JSON-RPC;
//! - [`viewer`]: the viewer command;
//! - [`metrics`]: counters.

pub mod chain;
pub mod claimer;
pub mod metrics;
pub mod receipts;
pub mod server;
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
	axum::serve(listener, server::router(edge)).with_graceful_shutdown(shutdown).await?;
	Ok(())
}
