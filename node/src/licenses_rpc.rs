//! Vidchain's own JSON-RPC methods over the `LicensesApi` runtime API: `licenses_hasAccess`,
//! `licenses_licensesOf`, `licenses_clip` and `licenses_clipsOf`. Each takes an optional block
//! hash (default: the best block). Prices are JSON integers in FUEL base units (12 decimals);
//! read them as big integers, they can exceed 2^53.

use std::sync::Arc;

use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use vidchain_primitives::{
	delivery::ContentId,
	licenses::{ClipId, ClipView, LicenseView, LicensesApi},
	AccountId, BlockNumber, OpaqueBlock as Block,
};

use crate::rewards_rpc::api_error;

type BlockHash = <Block as sp_runtime::traits::Block>::Hash;

/// The `licenses_*` methods.
#[rpc(client, server)]
pub trait LicensesRpc<BlockHash> {
	/// Whether `who` may watch `content`: its creator, anyone if it is not exclusive, otherwise
	/// the holder of an unexpired license of one of its clips. The edge server asks this before
	/// it serves an exclusive chunk.
	#[method(name = "licenses_hasAccess")]
	fn has_access(&self, who: AccountId, content: ContentId, at: Option<BlockHash>) -> RpcResult<bool>;

	/// The licenses `who` holds, expired ones included.
	#[method(name = "licenses_licensesOf")]
	fn licenses_of(&self, who: AccountId, at: Option<BlockHash>) -> RpcResult<Vec<LicenseView<BlockNumber>>>;

	/// A clip's terms and sale (`null` if there is no such clip).
	#[method(name = "licenses_clip")]
	fn clip(&self, clip: ClipId, at: Option<BlockHash>) -> RpcResult<Option<ClipView<AccountId, BlockNumber>>>;

	/// The clips cut from `content`.
	#[method(name = "licenses_clipsOf")]
	fn clips_of(&self, content: ContentId, at: Option<BlockHash>) -> RpcResult<Vec<ClipId>>;
}

/// The `licenses_*` methods, answered from the runtime.
pub struct Licenses<C> {
	client: Arc<C>,
}

impl<C> Licenses<C> {
	/// Answer from `client`'s runtime.
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

impl<C> LicensesRpcServer<BlockHash> for Licenses<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: LicensesApi<Block, AccountId, BlockNumber>,
{
	fn has_access(&self, who: AccountId, content: ContentId, at: Option<BlockHash>) -> RpcResult<bool> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().has_access(at, who, content).map_err(api_error)
	}

	fn licenses_of(&self, who: AccountId, at: Option<BlockHash>) -> RpcResult<Vec<LicenseView<BlockNumber>>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().licenses_of(at, who).map_err(api_error)
	}

	fn clip(&self, clip: ClipId, at: Option<BlockHash>) -> RpcResult<Option<ClipView<AccountId, BlockNumber>>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().clip(at, clip).map_err(api_error)
	}

	fn clips_of(&self, content: ContentId, at: Option<BlockHash>) -> RpcResult<Vec<ClipId>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().clips_of(at, content).map_err(api_error)
	}
}
