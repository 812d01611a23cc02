//! End-to-end tests of the real `vidchain-node` binary: a dev chain that produces and finalizes
//! blocks, takes a signed balance transfer, survives a restart without losing state, and
//! refuses garbage with a JSON-RPC error.

use std::time::Duration;
use subxt::{
	dynamic,
	events::DecodeAsEvent,
	ext::scale_decode::DecodeAsType,
	rpcs::{rpc_params, RpcClient},
	utils::AccountId32,
	OnlineClient, PolkadotConfig,
};
use subxt_signer::sr25519::{dev, Keypair};
use vidchain_tests::{
	account, best_height, finalized_height, submit, wait_until_at_least, AccountInfo, Node, Storage, TempDir,
};

const RPC_TIMEOUT: Duration = Duration::from_secs(60);
const FINALITY_TIMEOUT: Duration = Duration::from_secs(120);
const STOP_TIMEOUT: Duration = Duration::from_secs(30);
/// 1.5 VID.
const AMOUNT: u128 = 1_500_000_000_000;

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
struct Transfer {
	from: AccountId32,
	to: AccountId32,
	amount: u128,
}
impl DecodeAsEvent for Transfer {
	fn is_event(pallet: &str, event: &str) -> bool {
		pallet == "Balances" && event == "Transfer"
	}
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
struct TransactionFeePaid {
	who: AccountId32,
	actual_fee: u128,
	tip: u128,
}
impl DecodeAsEvent for TransactionFeePaid {
	fn is_event(pallet: &str, event: &str) -> bool {
		pallet == "TransactionPayment" && event == "TransactionFeePaid"
	}
}

/// Free balance of `who` at the latest finalized block.
async fn free_balance(api: &OnlineClient<PolkadotConfig>, who: &Keypair) -> anyhow::Result<u128> {
	Ok(account(api, who).await?.free)
}

/// Free balance of `who` at the latest finalized block, and that block's number.
async fn free_balance_and_block(api: &OnlineClient<PolkadotConfig>, who: &Keypair) -> anyhow::Result<(u128, u64)> {
	let at = api.at_current_block().await?;
	let addr = dynamic::storage::<(AccountId32,), AccountInfo>("System", "Account");
	let info = at.storage().fetch(addr, (who.public_key().to_account_id(),)).await?.decode()?;
	Ok((info.data.free, at.block_number()))
}

/// Transfer `AMOUNT` from Alice to Bob, wait for finality; returns the fee Alice paid.
async fn transfer_alice_to_bob(api: &OnlineClient<PolkadotConfig>) -> anyhow::Result<u128> {
	let (alice, bob) = (dev::alice(), dev::bob());
	let tx = dynamic::transaction(
		"Balances",
		"transfer_keep_alive",
		(bob.public_key().to_address::<()>(), AMOUNT),
	);
	let events = submit(api, &tx, &alice).await?.map_err(anyhow::Error::msg)?;
	let transfer = events.find_first::<Transfer>().expect("a Balances.Transfer event")?;
	assert_eq!(transfer.from, alice.public_key().to_account_id());
	assert_eq!(transfer.to, bob.public_key().to_account_id());
	assert_eq!(transfer.amount, AMOUNT);
	let fee = events.find_first::<TransactionFeePaid>().expect("a fee event")?;
	assert_eq!(fee.who, alice.public_key().to_account_id());
	assert!(fee.actual_fee > 0, "transfers are not free");
	Ok(fee.actual_fee + fee.tip)
}

async fn wait_finalized(rpc: &RpcClient, target: u64) -> anyhow::Result<u64> {
	wait_until_at_least("finalized height", target, FINALITY_TIMEOUT, || finalized_height(rpc)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dev_chain_finalizes_and_takes_a_signed_transfer() -> anyhow::Result<()> {
	let mut node = Node::start_dev(Storage::Temporary)?;
	let rpc = node.rpc(RPC_TIMEOUT).await?;

	// Chain identity and properties, as wallets read them.
	let props: serde_json::Value = rpc.request("system_properties", rpc_params![]).await?;
	assert_eq!(props["tokenSymbol"], serde_json::json!(["VID", "FUEL"]));
	assert_eq!(props["tokenDecimals"], serde_json::json!([12, 12]));
	assert_eq!(props["ss58Format"], 42);
	let version: serde_json::Value = rpc.request("state_getRuntimeVersion", rpc_params![]).await?;
	assert_eq!(version["specName"], "vidchain");

	wait_finalized(&rpc, 3).await?;

	let api = OnlineClient::<PolkadotConfig>::from_rpc_client(rpc.clone()).await?;
	let (alice, bob) = (dev::alice(), dev::bob());
	// Alice authors every block of the dev chain and earns `Rewards::AuthorReward` VID for each.
	let reward: u128 =
		api.at_current_block().await?.constants().entry(dynamic::constant::<u128>("Rewards", "AuthorReward"))?;
	assert!(reward > 0);
	let bob_before = free_balance(&api, &bob).await?;
	let (alice_before, from) = free_balance_and_block(&api, &alice).await?;
	let fee = transfer_alice_to_bob(&api).await?;
	let (alice_after, to) = free_balance_and_block(&api, &alice).await?;
	let bob_after = free_balance(&api, &bob).await?;
	assert_eq!(bob_after, bob_before + AMOUNT, "Bob receives exactly the amount");
	let authored = (to - from) as u128 * reward;
	assert_eq!(alice_after, alice_before - AMOUNT - fee + authored, "Alice pays the amount and the fee");

	let status = node.stop(STOP_TIMEOUT)?;
	assert!(status.success(), "clean shutdown on SIGINT, got {status}");
	Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_keeps_blocks_and_balances() -> anyhow::Result<()> {
	let dir = TempDir::new("restart")?;
	let (alice, bob) = (dev::alice(), dev::bob());

	let mut node = Node::start_dev(Storage::BasePath(dir.path().to_path_buf()))?;
	let rpc = node.rpc(RPC_TIMEOUT).await?;
	wait_finalized(&rpc, 2).await?;
	let api = OnlineClient::<PolkadotConfig>::from_rpc_client(rpc.clone()).await?;
	let bob_start = free_balance(&api, &bob).await?;
	transfer_alice_to_bob(&api).await?;
	let (alice_before, bob_before) = (free_balance(&api, &alice).await?, free_balance(&api, &bob).await?);
	assert_eq!(bob_before, bob_start + AMOUNT);
	let best_before = best_height(&rpc).await?;
	drop(api);
	drop(rpc);
	let status = node.stop(STOP_TIMEOUT)?;
	assert!(status.success(), "clean shutdown on SIGINT, got {status}");
	assert!(dir.path().join("chains").exists(), "the base path holds a chain database");

	let mut node = Node::start_dev(Storage::BasePath(dir.path().to_path_buf()))?;
	let rpc = node.rpc(RPC_TIMEOUT).await?;
	// Right after the restart, before any new block could be authored, the chain is where it was.
	let best_after = best_height(&rpc).await?;
	assert!(best_after >= best_before, "best height {best_after} < {best_before} before restart");
	let api = OnlineClient::<PolkadotConfig>::from_rpc_client(rpc.clone()).await?;
	assert_eq!(free_balance(&api, &alice).await?, alice_before, "Alice's balance survived");
	assert_eq!(free_balance(&api, &bob).await?, bob_before, "Bob's balance survived");
	// And it goes on producing and finalizing blocks.
	wait_finalized(&rpc, best_before + 2).await?;
	let status = node.stop(STOP_TIMEOUT)?;
	assert!(status.success(), "clean shutdown on SIGINT, got {status}");
	Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_extrinsic_gets_an_rpc_error_and_the_chain_goes_on() -> anyhow::Result<()> {
	let mut node = Node::start_dev(Storage::Temporary)?;
	let rpc = node.rpc(RPC_TIMEOUT).await?;
	wait_until_at_least("best height", 1, FINALITY_TIMEOUT, || best_height(&rpc)).await?;

	// Bytes that are not even an opaque extrinsic (client error), an empty extrinsic and a v4
	// bare extrinsic calling a call index the runtime does not have (verification error: the
	// runtime refuses to decode them), and a parameter that is not hex at all (invalid params):
	// every one gets a JSON-RPC error object, none a dropped connection.
	for garbage in ["0xdeadbeef", "0x00", "0x0c0400ff", "not hex at all"] {
		let res = rpc.request::<serde_json::Value>("author_submitExtrinsic", rpc_params![garbage]).await;
		match res {
			Err(subxt::rpcs::Error::User(e)) => assert!(
				(1000..1100).contains(&e.code) || e.code == -32602,
				"unexpected error code for {garbage:?}: {} {}",
				e.code,
				e.message
			),
			other => panic!("garbage {garbage:?} must get a JSON-RPC error, got {other:?}"),
		}
	}
	let height = best_height(&rpc).await?;
	wait_until_at_least("best height", height + 2, FINALITY_TIMEOUT, || best_height(&rpc)).await?;
	wait_finalized(&rpc, height + 1).await?;
	let status = node.stop(STOP_TIMEOUT)?;
	assert!(status.success(), "clean shutdown on SIGINT, got {status}");
	Ok(())
}

/// A node started with `--validator` but without its keys says so at start-up (it would
/// otherwise author nothing and say nothing); with its keys (`--alice`), it does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_validator_without_its_keys_says_so_at_start_up() -> anyhow::Result<()> {
	// A validator needs a network key of its own (`key generate-node-key`); a fixed one here.
	let node_key = format!("{:064x}", 1);
	let args = |extra: &str| ["--chain", "local", "--node-key", &node_key, extra].map(String::from).to_vec();
	let mut bare = Node::start(Storage::Temporary, &args("--validator"))?;
	bare.rpc(Duration::from_secs(60)).await?;
	let log = bare.wait_for_log("holds no Aura key", Duration::from_secs(30)).await?;
	assert!(log.contains("will not author blocks"), "{log}");
	assert!(log.contains("no GRANDPA key"), "{log}");
	assert!(log.contains("sampling key (`vocw`"), "{log}");
	assert!(log.contains("vidchain-node key insert"), "says what to do: {log}");
	assert!(bare.stop(Duration::from_secs(30))?.success());

	// Alice's keys (inserted by --alice), and she is a `local` authority: no warning.
	let mut alice = Node::start(Storage::Temporary, &args("--alice"))?;
	alice.rpc(Duration::from_secs(60)).await?;
	let log = alice.wait_for_log("Validator keys in the keystore", Duration::from_secs(30)).await?;
	assert!(!log.contains("Started with --validator"), "{log}");
	assert!(alice.stop(Duration::from_secs(30))?.success());
	Ok(())
}
