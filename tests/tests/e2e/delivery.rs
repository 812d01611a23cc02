//! pallet-delivery on the real node: a creator registers content, an operator bonds an edge,
//! and bad input comes back as the pallet's typed errors with nothing changed.

use std::time::Duration;
use subxt::{
	dynamic,
	events::DecodeAsEvent,
	ext::scale_decode::DecodeAsType,
	utils::AccountId32,
	OnlineClient, PolkadotConfig,
};
use subxt_signer::sr25519::dev;
use vidchain_primitives::{manifest, VID};
use vidchain_tests::{account, finalized_height, submit, wait_until_at_least, Node, Storage};

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
struct ContentRegistered {
	content: [u8; 32],
	manifest_root: [u8; 32],
	creator: AccountId32,
	chunk_count: u32,
	total_bytes: u64,
	exclusive: bool,
}
impl DecodeAsEvent for ContentRegistered {
	fn is_event(pallet: &str, event: &str) -> bool {
		pallet == "Delivery" && event == "ContentRegistered"
	}
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
struct EdgeRegistered {
	edge: AccountId32,
	bond: u128,
}
impl DecodeAsEvent for EdgeRegistered {
	fn is_event(pallet: &str, event: &str) -> bool {
		pallet == "Delivery" && event == "EdgeRegistered"
	}
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
struct EdgeInfo {
	endpoint: Vec<u8>,
	bond: u128,
	score: u32,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn content_and_edges_on_a_real_node() -> anyhow::Result<()> {
	// The edge registered here has no server: without the sampling worker (see `sampling.rs`).
	let mut node = Node::start_dev_with(Storage::Temporary, &["--offchain-worker".into(), "never".into()])?;
	let rpc = node.rpc(Duration::from_secs(60)).await?;
	wait_until_at_least("finalized height", 1, Duration::from_secs(120), || finalized_height(&rpc)).await?;
	let api = OnlineClient::<PolkadotConfig>::from_rpc_client(rpc.clone()).await?;
	let (alice, bob) = (dev::alice(), dev::bob());

	// A creator registers a 5-chunk video by its manifest root.
	let chunks: Vec<Vec<u8>> = (0..5u8).map(|i| vec![i; 1024]).collect();
	let hashes: Vec<_> = chunks.iter().map(|c| manifest::chunk_hash(c)).collect();
	let root = manifest::manifest_root(&hashes);
	let register_content = dynamic::transaction(
		"Delivery",
		"register_content",
		(root.0, 1024u32, 5u32, 5 * 1024u64, true, b"Launch film".to_vec(), b"https://cdn.example/m".to_vec()),
	);
	let events = submit(&api, &register_content, &alice).await?.expect("content registers");
	let ev = events.find_first::<ContentRegistered>().expect("ContentRegistered")?;
	assert_eq!(ev.manifest_root, root.0);
	// The content's id binds its creator to the manifest root.
	let creator = vidchain_primitives::AccountId::from(alice.public_key().0);
	assert_eq!(ev.content, vidchain_primitives::delivery::content_id(&creator, &root).0);
	assert_eq!(ev.creator, alice.public_key().to_account_id());
	assert_eq!((ev.chunk_count, ev.total_bytes, ev.exclusive), (5, 5 * 1024, true));
	// The same root again: the pallet's typed error.
	let err = submit(&api, &register_content, &alice).await?.expect_err("duplicate content is refused");
	assert!(err.contains("ContentExists"), "{err}");

	// An operator bonds an edge of 1 000 VID through a hold.
	let bond = 1_000 * VID;
	let register_edge =
		dynamic::transaction("Delivery", "register_edge", (b"http://127.0.0.1:8080".to_vec(), b"local".to_vec(), bond));
	let events = submit(&api, &register_edge, &bob).await?.expect("edge registers");
	let ev = events.find_first::<EdgeRegistered>().expect("EdgeRegistered")?;
	assert_eq!((ev.edge, ev.bond), (bob.public_key().to_account_id(), bond));

	let at = api.at_current_block().await?;
	let edges = dynamic::storage::<(AccountId32,), EdgeInfo>("Delivery", "Edges");
	let edge = at.storage().fetch(edges, (bob.public_key().to_account_id(),)).await?.decode()?;
	assert_eq!(edge.endpoint, b"http://127.0.0.1:8080".to_vec());
	assert_eq!((edge.bond, edge.score), (bond, 500_000));
	assert!(account(&api, &bob).await?.reserved >= bond, "the bond is held");

	// Bad input gets typed errors and changes nothing.
	let err = submit(&api, &register_edge, &bob).await?.expect_err("a second edge is refused");
	assert!(err.contains("EdgeExists"), "{err}");
	let too_long = dynamic::transaction(
		"Delivery",
		"register_edge",
		([b"http://".to_vec(), vec![b'x'; 300]].concat(), b"local".to_vec(), bond),
	);
	// An over-long endpoint does not even decode: the pool refuses the transaction.
	// (The runtime's `validate_transaction` cannot decode it: the pool reports it invalid.)
	match submit(&api, &too_long, &alice).await {
		Err(e) => assert!(format!("{e:?}").contains("nvalid"), "{e:?}"),
		Ok(Err(e)) => assert!(e.contains("not valid") || e.contains("Invalid"), "{e}"),
		Ok(Ok(_)) => panic!("an over-long endpoint was accepted"),
	}
	let low = dynamic::transaction("Delivery", "register_edge", (b"http://a".to_vec(), Vec::<u8>::new(), VID));
	let err = submit(&api, &low, &alice).await?.expect_err("a bond under MinEdgeBond is refused");
	assert!(err.contains("BondTooLow"), "{err}");
	let at = api.at_current_block().await?;
	let edges = dynamic::storage::<(AccountId32,), EdgeInfo>("Delivery", "Edges");
	assert!(
		at.storage().try_fetch(edges, (alice.public_key().to_account_id(),)).await?.is_none(),
		"no edge for Alice after her refused calls"
	);

	let status = node.stop(Duration::from_secs(30))?;
	assert!(status.success(), "clean shutdown, got {status}");
	Ok(())
}
