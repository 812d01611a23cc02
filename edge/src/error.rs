//! The edge's one error type: every refusal and failure of the HTTP interface is an [`Error`],
//! and an `Error` is its HTTP answer (status, one-line reason, the headers it needs).
//! Handlers return `Result<Response, Error>`; nothing else builds an error answer.

use crate::receipts::Refusal;
use axum::{
	http::{header, StatusCode},
	response::{IntoResponse, Response},
	Json,
};

/// What went wrong with a request, as the client is told.
#[derive(Debug)]
pub enum Error {
	/// The request is malformed (400).
	BadRequest(String),
	/// The requester may not have this (403).
	Forbidden(String),
	/// Nothing here by that name (404).
	NotFound(&'static str),
	/// A range outside a body of `len` bytes (416).
	RangeNotSatisfiable {
		/// The body's length.
		len: u64,
		/// Why.
		why: &'static str,
	},
	/// Receipts refused, by index in the post (422, JSON).
	Refused(Vec<(usize, Refusal)>),
	/// The requester already has as many streams of exclusive content open as one viewer may
	/// (429).
	TooManyStreams,
	/// The requester's client address is over its rate for `what` (429; see [`crate::fair`]).
	TooManyRequests {
		/// What it asked too much of.
		what: &'static str,
		/// When its turn comes (`None`: never at this size; ask for less at once).
		retry_after: Option<std::time::Duration>,
	},
	/// The edge cannot answer now (503): not connected to a chain, or the chain cannot be read.
	Unavailable(&'static str),
	/// The edge failed (500); the detail goes to the log, the client gets `public`.
	Internal {
		/// What the client is told.
		public: &'static str,
	},
}

impl Error {
	/// The status code of the answer.
	pub fn status(&self) -> StatusCode {
		match self {
			Error::BadRequest(_) => StatusCode::BAD_REQUEST,
			Error::Forbidden(_) => StatusCode::FORBIDDEN,
			Error::NotFound(_) => StatusCode::NOT_FOUND,
			Error::RangeNotSatisfiable { .. } => StatusCode::RANGE_NOT_SATISFIABLE,
			Error::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
			Error::TooManyStreams | Error::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
			Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
			Error::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
		}
	}
}

impl IntoResponse for Error {
	fn into_response(self) -> Response {
		let status = self.status();
		let text = |why: String| (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], why + "\n").into_response();
		match self {
			Error::BadRequest(why) | Error::Forbidden(why) => text(why),
			Error::NotFound(why) | Error::Unavailable(why) | Error::Internal { public: why } => text(why.into()),
			Error::TooManyStreams => text(format!(
				"this viewer already has {} streams of exclusive content open on this edge",
				crate::access::MAX_STREAMS_PER_VIEWER
			)),
			Error::TooManyRequests { what, retry_after: Some(after) } => (
				status,
				[(header::RETRY_AFTER, after.as_secs_f64().ceil().max(1.0).to_string())],
				format!("this address is over its rate of {what}: ask again later\n"),
			)
				.into_response(),
			Error::TooManyRequests { what, retry_after: None } =>
				text(format!("this address may never have this many {what} at once: ask for fewer")),
			Error::RangeNotSatisfiable { len, why } =>
				(status, [(header::CONTENT_RANGE, format!("bytes */{len}"))], format!("{why}\n")).into_response(),
			Error::Refused(refused) => {
				let refused: Vec<_> = refused
					.iter()
					.map(|(i, why)| serde_json::json!({ "index": i, "reason": why.reason() }))
					.collect();
				(status, Json(serde_json::json!({ "accepted": 0, "refused": refused }))).into_response()
			},
		}
	}
}
