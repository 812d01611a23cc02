//! Edges: register, update, unbond, withdraw, and slashing.

use crate::*;
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{BalancedHold, InspectHold, MutateHold},
		tokens::Precision,
		OnUnbalanced,
	},
};
use sp_runtime::traits::{Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// Register an edge for `who`, holding `bond`.
	pub(crate) fn do_register_edge(
		who: T::AccountId,
		endpoint: BoundedVec<u8, T::MaxEndpointLen>,
		region: BoundedVec<u8, T::MaxRegionLen>,
		bond: BalanceOf<T>,
	) -> DispatchResult {
		Self::check_endpoint(&endpoint)?;
		ensure!(!Edges::<T>::contains_key(&who), Error::<T>::EdgeExists);
		ensure!(bond >= T::MinEdgeBond::get(), Error::<T>::BondTooLow);
		T::Currency::hold(&HoldReason::EdgeBond.into(), &who, bond)
			.map_err(|_| Error::<T>::InsufficientBalance)?;

		Edges::<T>::insert(
			&who,
			EdgeInfo {
				endpoint,
				region,
				bond,
				state: EdgeState::Active,
				score: T::InitialScore::get(),
				pending_claims: 0,
				registered_at: frame_system::Pallet::<T>::block_number(),
			},
		);
		Self::deposit_event(Event::EdgeRegistered { edge: who, bond });
		Ok(())
	}

	/// Replace the endpoint and region of `who`'s edge.
	pub(crate) fn do_update_edge(
		who: T::AccountId,
		endpoint: BoundedVec<u8, T::MaxEndpointLen>,
		region: BoundedVec<u8, T::MaxRegionLen>,
	) -> DispatchResult {
		Self::check_endpoint(&endpoint)?;
		Edges::<T>::try_mutate(&who, |maybe| -> DispatchResult {
			let edge = maybe.as_mut().ok_or(Error::<T>::NotAnEdge)?;
			edge.endpoint = endpoint;
			edge.region = region;
			Ok(())
		})?;
		Self::deposit_event(Event::EdgeUpdated { edge: who });
		Ok(())
	}

	/// Add `amount` to `who`'s bond.
	pub(crate) fn do_bond_more(who: T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		let bond = Edges::<T>::try_mutate(&who, |maybe| -> Result<BalanceOf<T>, DispatchError> {
			let edge = maybe.as_mut().ok_or(Error::<T>::NotAnEdge)?;
			ensure!(!matches!(edge.state, EdgeState::Unbonding { .. }), Error::<T>::AlreadyUnbonding);
			ensure!(!amount.is_zero(), Error::<T>::BondTooLow);
			T::Currency::hold(&HoldReason::EdgeBond.into(), &who, amount)
				.map_err(|_| Error::<T>::InsufficientBalance)?;
			edge.bond = edge.bond.saturating_add(amount);
			Ok(edge.bond)
		})?;
		Self::deposit_event(Event::EdgeBonded { edge: who, amount, bond });
		Ok(())
	}

	/// Make `who`'s suspended edge active again.
	pub(crate) fn do_resume(who: T::AccountId) -> DispatchResult {
		let now = frame_system::Pallet::<T>::block_number();
		Edges::<T>::try_mutate(&who, |maybe| -> DispatchResult {
			let edge = maybe.as_mut().ok_or(Error::<T>::NotAnEdge)?;
			let EdgeState::Suspended { until, .. } = edge.state else {
				return Err(Error::<T>::NotSuspended.into())
			};
			ensure!(now >= until, Error::<T>::SuspensionNotOver);
			ensure!(edge.bond >= T::MinEdgeBond::get(), Error::<T>::BondTooLow);
			edge.state = EdgeState::Active;
			Ok(())
		})?;
		Self::deposit_event(Event::EdgeResumed { edge: who });
		Ok(())
	}

	/// Move `who`'s edge to `Unbonding`.
	pub(crate) fn do_unbond(who: T::AccountId) -> DispatchResult {
		let until = frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
		Edges::<T>::try_mutate(&who, |maybe| -> DispatchResult {
			let edge = maybe.as_mut().ok_or(Error::<T>::NotAnEdge)?;
			ensure!(!matches!(edge.state, EdgeState::Unbonding { .. }), Error::<T>::AlreadyUnbonding);
			edge.state = EdgeState::Unbonding { until };
			Ok(())
		})?;
		Self::deposit_event(Event::EdgeUnbonding { edge: who, until });
		Ok(())
	}

	/// Release what is left of `who`'s bond and remove the edge.
	pub(crate) fn do_withdraw_unbonded(who: T::AccountId) -> DispatchResult {
		let edge = Edges::<T>::get(&who).ok_or(Error::<T>::NotAnEdge)?;
		let EdgeState::Unbonding { until } = edge.state else {
			return Err(Error::<T>::NotUnbonding.into())
		};
		ensure!(frame_system::Pallet::<T>::block_number() >= until, Error::<T>::UnbondingNotDone);
		ensure!(edge.pending_claims == 0, Error::<T>::ClaimsPending);

		let amount = T::Currency::release(
			&HoldReason::EdgeBond.into(),
			&who,
			edge.bond,
			Precision::BestEffort,
		)?;
		Edges::<T>::remove(&who);
		Self::deposit_event(Event::EdgeWithdrawn { edge: who, amount });
		Ok(())
	}

	/// Slash `SlashFraction` of `edge`'s bond to `Slashed`; returns what was taken.
	pub(crate) fn slash_edge(
		who: &T::AccountId,
		edge: &mut EdgeInfo<T>,
		reason: SlashReason,
	) -> BalanceOf<T> {
		let amount = T::SlashFraction::get() * edge.bond;
		if amount.is_zero() {
			return amount;
		}
		let (credit, _missing) = <T::Currency as BalancedHold<T::AccountId>>::slash(
			&HoldReason::EdgeBond.into(),
			who,
			amount,
		);
		let taken = frame_support::traits::Imbalance::peek(&credit);
		edge.bond = edge.bond.saturating_sub(taken);
		T::Slashed::on_unbalanced(credit);
		Self::deposit_event(Event::EdgeSlashed { edge: who.clone(), amount: taken, reason });
		taken
	}

	/// Check an endpoint: `http://` or `https://`, a host, printable ASCII without spaces, and
	/// — unless the genesis allows local endpoints — a host that is a public IP literal: not a
	/// DNS name ([`is_ip_literal`]; a name can resolve, or rebind between two fetches, to any
	/// address, and the validators' HTTP client resolves it without asking the runtime), and not
	/// loopback, private, link-local or otherwise non-public ([`is_local_host`]). The
	/// validators' worker applies the same check before every fetch, so an endpoint stored under
	/// older rules is never fetched either.
	///
	/// An `https://` endpoint at an IP literal needs a certificate for that address.
	pub(crate) fn check_endpoint(endpoint: &[u8]) -> DispatchResult {
		let rest = endpoint
			.strip_prefix(b"https://")
			.or_else(|| endpoint.strip_prefix(b"http://"))
			.ok_or(Error::<T>::InvalidEndpoint)?;
		ensure!(rest.iter().all(|b| b.is_ascii_graphic()), Error::<T>::InvalidEndpoint);
		let authority = rest.split(|b| matches!(b, b'/' | b'?' | b'#')).next().unwrap_or_default();
		// No user info: `http://good.example@10.0.0.1/` fetches from 10.0.0.1.
		ensure!(!authority.contains(&b'@'), Error::<T>::InvalidEndpoint);
		let host = host_of(authority).ok_or(Error::<T>::InvalidEndpoint)?;
		ensure!(!host.is_empty(), Error::<T>::InvalidEndpoint);
		if !AllowLocalEndpoints::<T>::get() {
			ensure!(!is_local_host(host), Error::<T>::LocalEndpoint);
			ensure!(is_ip_literal(host), Error::<T>::EndpointNotAnAddress);
		}
		Ok(())
	}

	/// The bond currently held for `who`'s edge (for tests and RPC).
	pub fn held_bond(who: &T::AccountId) -> BalanceOf<T> {
		T::Currency::balance_on_hold(&HoldReason::EdgeBond.into(), who)
	}
}

/// The host of a URL authority (`host[:port]` or `[v6][:port]`), lower-cased checks are left to
/// [`is_local_host`]; `None` if a bracket is not closed or the port is not a number.
fn host_of(authority: &[u8]) -> Option<&[u8]> {
	let (host, port) = if let Some(v6) = authority.strip_prefix(b"[") {
		let close = v6.iter().position(|b| *b == b']')?;
		(&authority[..close + 2], &v6[close + 1..])
	} else {
		match authority.iter().rposition(|b| *b == b':') {
			Some(i) => (&authority[..i], &authority[i..]),
			None => (authority, &[][..]),
		}
	};
	match port {
		[] => Some(host),
		[b':', digits @ ..] if !digits.is_empty() && digits.len() <= 5 && digits.iter().all(u8::is_ascii_digit) =>
			Some(host),
		_ => None,
	}
}

/// Whether `host` names a machine that is not on the public internet: `localhost` (and
/// `*.localhost`, `*.local`, `*.internal`), a single-label name, IPv4 in `0/8`, `10/8`,
/// `100.64/10`, `127/8`, `169.254/16`, `172.16/12`, `192.168/16`, `198.18/15` or multicast and
/// above, any IPv4 literal in a form other than four decimal octets (`0x7f.1`, `2130706433`), and
/// IPv6 literals that are unspecified, loopback, unique-local (`fc00::/7`), link-local
/// (`fe80::/10`), or IPv4-mapped/compatible (checked as IPv4).
///
/// A public-looking name can still resolve to a private address, which is why a chain that
/// does not allow local endpoints takes IP literals only ([`is_ip_literal`]).
pub fn is_local_host(host: &[u8]) -> bool {
	let lower: alloc::vec::Vec<u8> = host.iter().map(|b| b.to_ascii_lowercase()).collect();
	let host = lower.strip_suffix(b".").unwrap_or(&lower);
	if let Some(inner) = host.strip_prefix(b"[").and_then(|h| h.strip_suffix(b"]")) {
		return ipv6_is_local(inner);
	}
	if host == b"localhost" ||
		host.ends_with(b".localhost") ||
		host.ends_with(b".local") ||
		host.ends_with(b".internal") ||
		!host.contains(&b'.')
	{
		return true;
	}
	// Anything that looks numeric must be four decimal octets, and public.
	let last_label = host.rsplit(|b| *b == b'.').next().unwrap_or_default();
	if last_label.first().is_some_and(u8::is_ascii_digit) {
		return match parse_ipv4(host) {
			Some(ip) => ipv4_is_local(ip),
			None => true,
		};
	}
	false
}

/// Whether `host` is an IP literal: four decimal octets, or a bracketed IPv6 address.
pub fn is_ip_literal(host: &[u8]) -> bool {
	match host.strip_prefix(b"[").and_then(|h| h.strip_suffix(b"]")) {
		Some(v6) => parse_ipv6(v6).is_some(),
		None => parse_ipv4(host).is_some(),
	}
}

fn parse_ipv4(host: &[u8]) -> Option<[u8; 4]> {
	let mut out = [0u8; 4];
	let mut parts = host.split(|b| *b == b'.');
	for octet in out.iter_mut() {
		let part = parts.next()?;
		if part.is_empty() || part.len() > 3 || !part.iter().all(u8::is_ascii_digit) {
			return None;
		}
		if part.len() > 1 && part[0] == b'0' {
			return None; // octal in some resolvers
		}
		let v = part.iter().fold(0u32, |v, d| v * 10 + (d - b'0') as u32);
		*octet = u8::try_from(v).ok()?;
	}
	parts.next().is_none().then_some(out)
}

fn ipv4_is_local([a, b, _, _]: [u8; 4]) -> bool {
	a == 0 ||
		a == 10 ||
		a == 127 ||
		(a == 100 && (64..128).contains(&b)) ||
		(a == 169 && b == 254) ||
		(a == 172 && (16..32).contains(&b)) ||
		(a == 192 && b == 168) ||
		(a == 198 && (b == 18 || b == 19)) ||
		a >= 224
}

fn ipv6_is_local(text: &[u8]) -> bool {
	let Some(words) = parse_ipv6(text) else { return true };
	let mapped_or_compat = words[..5].iter().all(|w| *w == 0) && (words[5] == 0xffff || words[5] == 0);
	if mapped_or_compat {
		let [hi, lo] = [words[6], words[7]];
		let v4 = [(hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8];
		return words[5] == 0 && hi == 0 && lo <= 1 || ipv4_is_local(v4);
	}
	(words[0] & 0xfe00) == 0xfc00 || (words[0] & 0xffc0) == 0xfe80 || (words[0] & 0xff00) == 0xff00
}

/// Parse an IPv6 literal (hex groups with at most one `::`; no embedded IPv4, no zone).
fn parse_ipv6(text: &[u8]) -> Option<[u16; 8]> {
	let parse_groups = |part: &[u8]| -> Option<alloc::vec::Vec<u16>> {
		if part.is_empty() {
			return Some(alloc::vec::Vec::new());
		}
		part.split(|b| *b == b':')
			.map(|g| {
				if g.is_empty() || g.len() > 4 {
					return None;
				}
				g.iter().try_fold(0u16, |v, c| Some(v * 16 + (*c as char).to_digit(16)? as u16))
			})
			.collect()
	};
	let mut words = [0u16; 8];
	match text.windows(2).position(|w| w == b"::") {
		Some(i) => {
			let head = parse_groups(&text[..i])?;
			let tail = parse_groups(&text[i + 2..])?;
			if head.len() + tail.len() > 7 {
				return None;
			}
			words[..head.len()].copy_from_slice(&head);
			words[8 - tail.len()..].copy_from_slice(&tail);
		},
		None => {
			let all = parse_groups(text)?;
			if all.len() != 8 {
				return None;
			}
			words.copy_from_slice(&all);
		},
	}
	Some(words)
}
