//! The chain, as the edge (and its viewer command) reach it: subxt for transactions, the node's
//! `delivery_*` JSON-RPC methods for reading. Nothing here links the runtime: calls are built
//! from the metadata by name, their arguments SCALE-encoded with the primitives' types.

use anyhow::{anyhow, Context, Result};
use codec::Encode;
use subxt::{
	rpcs::{rpc_params, RpcClient},
	transactions::Payload,
	OnlineClient, PolkadotConfig,
};
use subxt_signer::sr25519::Keypair;
use vidchain_primitives::{
	delivery::{ClaimView, ContentId, ContentView, DrawView, EdgeView, EpochIndex, EpochInfo, EpochWindows},
	rewards::{EmissionSchedule, Escrow, PoolView},
	AccountId, BlockNumber, Hash, Signature,
};

/// Why a transaction did not go through.
#[derive(Debug)]
pub enum SubmitError {
	/// It was included and failed to dispatch: `Pallet::Error` (or the dispatch error's text).
	/// Sending the same transaction again fails the same way, unless the chain's state moved.
	Dispatch(String),
	/// It did not get that far (connection, pool, signing); trying again may work.
	Other(anyhow::Error),
}

impl SubmitError {
	/// The dispatch error's name, if it failed to dispatch.
	pub fn dispatch_error(&self) -> Option<&str> {
		match self {
			SubmitError::Dispatch(e) => Some(e),
			SubmitError::Other(_) => None,
		}
	}
}

impl std::fmt::Display for SubmitError {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			SubmitError::Dispatch(e) => write!(f, "failed: {e}"),
			SubmitError::Other(e) => write!(f, "{e:#}"),
		}
	}
}

impl std::error::Error for SubmitError {}

impl From<anyhow::Error> for SubmitError {
	fn from(e: anyhow::Error) -> Self {
		SubmitError::Other(e)
	}
}

/// A failure before dispatch.
fn other<E: Into<anyhow::Error>>(e: E) -> SubmitError {
	SubmitError::Other(e.into())
}

/// Call arguments already SCALE-encoded (with the primitives' types, which are the runtime's).
pub struct PreEncoded(pub Vec<u8>);

impl subxt::ext::scale_encode::EncodeAsFields for PreEncoded {
	fn encode_as_fields_to<R: subxt::ext::scale_encode::TypeResolver>(
		&self,
		_fields: &mut dyn subxt::ext::scale_encode::FieldIter<'_, R::TypeId>,
		_types: &R,
		out: &mut Vec<u8>,
	) -> std::result::Result<(), subxt::ext::scale_encode::Error> {
		out.extend_from_slice(&self.0);
		Ok(())
	}
}

/// A call of `pallet` named `call` whose arguments are [`PreEncoded`].
pub struct RawCall {
	/// The pallet's name in the metadata.
	pub pallet: &'static str,
	/// The call's name.
	pub call: &'static str,
	/// Its arguments, SCALE-encoded in order.
	pub args: PreEncoded,
}

impl Payload for RawCall {
	type CallData = PreEncoded;

	fn pallet_name(&self) -> &str {
		self.pallet
	}

	fn call_name(&self) -> &str {
		self.call
	}

	fn call_data(&self) -> &PreEncoded {
		&self.args
	}
}

/// The runtime's account id of an sr25519 key.
pub fn account_id(k: &Keypair) -> AccountId {
	AccountId::from(k.public_key().0)
}

/// An sr25519 signature of `k` over `payload` as the runtime's `MultiSignature` (what viewers
/// put on receipts).
pub fn sign(k: &Keypair, payload: &[u8]) -> Signature {
	Signature::Sr25519(sp_core::sr25519::Signature::from_raw(k.sign(payload).0))
}

/// A keypair from a secret URI (`//Alice`, a mnemonic, `0x…` seed).
pub fn keypair(suri: &str) -> Result<Keypair> {
	let uri: subxt_signer::SecretUri = suri.parse().map_err(|e| anyhow!("secret URI: {e:?}"))?;
	Keypair::from_uri(&uri).map_err(|e| anyhow!("secret URI: {e:?}"))
}

/// A connection to a node.
#[derive(Clone)]
pub struct Chain {
	/// subxt's client (metadata, transactions).
	pub api: OnlineClient<PolkadotConfig>,
	/// The raw JSON-RPC client (Vidchain's methods).
	pub rpc: RpcClient,
	/// The chain's genesis hash (what receipts sign).
	pub genesis: Hash,
}

impl Chain {
	/// Connect to `url` (`ws://…`; plain connections to any host are allowed: operators run
	/// their node next to the edge).
	pub async fn connect(url: &str) -> Result<Chain> {
		let rpc = RpcClient::from_insecure_url(url).await.with_context(|| format!("connecting to {url}"))?;
		let api = OnlineClient::<PolkadotConfig>::from_rpc_client(rpc.clone()).await?;
		let genesis: String = rpc.request("chain_getBlockHash", rpc_params![0]).await?;
		let genesis = Hash::from_slice(&hex::decode(genesis.trim_start_matches("0x"))?);
		Ok(Chain { api, rpc, genesis })
	}

	/// `delivery_epoch`.
	pub async fn epoch(&self) -> Result<EpochInfo<BlockNumber>> {
		Ok(self.rpc.request("delivery_epoch", rpc_params![]).await?)
	}

	/// `delivery_windows`.
	pub async fn windows(&self, epoch: EpochIndex) -> Result<EpochWindows<BlockNumber>> {
		Ok(self.rpc.request("delivery_windows", rpc_params![epoch]).await?)
	}

	/// `delivery_edge`.
	pub async fn edge(&self, who: &AccountId) -> Result<Option<EdgeView<AccountId, BlockNumber>>> {
		Ok(self.rpc.request("delivery_edge", rpc_params![who.to_string()]).await?)
	}

	/// `delivery_edges`.
	pub async fn edges(&self, region: Option<String>, limit: u32) -> Result<Vec<EdgeView<AccountId, BlockNumber>>> {
		Ok(self.rpc.request("delivery_edges", rpc_params![region, limit]).await?)
	}

	/// `delivery_content` at the best block.
	pub async fn content(&self, content: &ContentId) -> Result<Option<ContentView<AccountId, BlockNumber>>> {
		self.content_at(content, None).await
	}

	/// `delivery_content` at block `at` (the best block if `None`).
	pub async fn content_at(
		&self,
		content: &ContentId,
		at: Option<Hash>,
	) -> Result<Option<ContentView<AccountId, BlockNumber>>> {
		Ok(self.rpc.request("delivery_content", rpc_params![content, at]).await?)
	}

	/// The hash of the node's finalized head (`chain_getFinalizedHead`).
	pub async fn finalized_head(&self) -> Result<Hash> {
		Ok(self.rpc.request("chain_getFinalizedHead", rpc_params![]).await?)
	}

	/// `rewards_escrow` at block `at`.
	pub async fn escrow(&self, viewer: &AccountId, at: Option<Hash>) -> Result<Option<Escrow<BlockNumber>>> {
		Ok(self.rpc.request("rewards_escrow", rpc_params![viewer.to_string(), at]).await?)
	}

	/// `rewards_pool`: `sponsor`'s pool of `content` at block `at`.
	pub async fn pool(
		&self,
		content: &ContentId,
		sponsor: &AccountId,
		at: Option<Hash>,
	) -> Result<Option<PoolView<AccountId, BlockNumber>>> {
		Ok(self.rpc.request("rewards_pool", rpc_params![content, sponsor.to_string(), at]).await?)
	}

	/// `rewards_schedule` at the best block.
	pub async fn schedule(&self) -> Result<EmissionSchedule> {
		Ok(self.rpc.request("rewards_schedule", rpc_params![]).await?)
	}

	/// `delivery_claim`.
	pub async fn claim(&self, edge: &AccountId, epoch: EpochIndex) -> Result<Option<ClaimView<AccountId, BlockNumber>>> {
		Ok(self.rpc.request("delivery_claim", rpc_params![edge.to_string(), epoch]).await?)
	}

	/// `delivery_draw`.
	pub async fn draw(&self, edge: &AccountId, epoch: EpochIndex) -> Result<Option<DrawView<BlockNumber>>> {
		Ok(self.rpc.request("delivery_draw", rpc_params![edge.to_string(), epoch]).await?)
	}

	/// `licenses_hasAccess`: whether `viewer` may watch `content` now.
	pub async fn has_access(&self, viewer: &AccountId, content: &ContentId) -> Result<bool> {
		self.has_access_at(viewer, content, None).await
	}

	/// `licenses_hasAccess` at block `at`.
	pub async fn has_access_at(&self, viewer: &AccountId, content: &ContentId, at: Option<Hash>) -> Result<bool> {
		Ok(self.rpc.request("licenses_hasAccess", rpc_params![viewer.to_string(), content, at]).await?)
	}

	/// Sign `call` by `who` and submit it; wait until it is in a best block and return whether
	/// it dispatched ([`SubmitError::Dispatch`] with the error's name if it failed).
	pub async fn submit(
		&self,
		pallet: &'static str,
		call: &'static str,
		args: impl Encode,
		who: &Keypair,
	) -> Result<(), SubmitError> {
		self.submit_until(pallet, call, args, who, false).await
	}

	/// [`Chain::submit`], waiting until the transaction's block is finalized.
	pub async fn submit_finalized(
		&self,
		pallet: &'static str,
		call: &'static str,
		args: impl Encode,
		who: &Keypair,
	) -> Result<(), SubmitError> {
		self.submit_until(pallet, call, args, who, true).await
	}

	async fn submit_until(
		&self,
		pallet: &'static str,
		call: &'static str,
		args: impl Encode,
		who: &Keypair,
		finalized: bool,
	) -> Result<(), SubmitError> {
		use subxt::{error::TransactionEventsError as E, transactions::TransactionStatus as S};
		let payload = RawCall { pallet, call, args: PreEncoded(args.encode()) };
		// The nonce the node's pool expects next (`system_accountNextIndex`: best block and pool),
		// not the finalized block's: a transaction the account sent a moment ago, by this tool or
		// another, is not finalized yet, and its nonce would be taken twice ("outdated").
		let nonce: u64 = self
			.rpc
			.request("system_accountNextIndex", rpc_params![account_id(who).to_string()])
			.await
			.map_err(other)?;
		let params = subxt::config::PolkadotExtrinsicParamsBuilder::<PolkadotConfig>::new().nonce(nonce).build();
		let at = self.api.at_current_block().await.map_err(other)?;
		let mut progress =
			at.transactions().sign_and_submit_then_watch(&payload, who, params).await.map_err(other)?;
		while let Some(status) = progress.next().await {
			let block = match status.map_err(other)? {
				S::InBestBlock(block) if !finalized => block,
				S::InFinalizedBlock(block) => block,
				S::Error { message } | S::Invalid { message } | S::Dropped { message } =>
					return Err(anyhow!("{pallet}.{call} not included: {message}").into()),
				_ => continue,
			};
			return match block.wait_for_success().await {
				Ok(_) => Ok(()),
				Err(E::ExtrinsicFailed(subxt::error::DispatchError::Module(m))) =>
					Err(SubmitError::Dispatch(m.details_string())),
				Err(E::ExtrinsicFailed(e)) => Err(SubmitError::Dispatch(e.to_string())),
				Err(e) => Err(anyhow!("{pallet}.{call}: {e}").into()),
			};
		}
		Err(anyhow!("{pallet}.{call}: the node stopped reporting on it").into())
	}
}
