//! Hostile gateways for the memory benchmark (`scripts/parity-hostile.sh`):
//! each answers every chat request with a body no real gateway sends.

use axum::body::{Body, Bytes};
use axum::response::Response;
use axum::routing::post;
use axum::Router;

const CHUNK: usize = 64 << 10;

/// `endless-sse`: SSE events as fast as the socket takes them, forever.
/// `big-body`: a 2 GB JSON body. `huge-event`: one 100 MB SSE event.
pub fn app(mode: &str) -> Option<Router> {
    let mode = mode.to_owned();
    let (prefix, fill, total, ctype): (&[u8], u8, Option<u64>, &str) = match mode.as_str() {
        "endless-sse" => (b"", 0, None, "text/event-stream"),
        "big-body" => (
            b"{\"choices\":[{\"message\":{\"content\":\"",
            b'a',
            Some(2 << 30),
            "application/json",
        ),
        "huge-event" => (
            b"data: {\"choices\":[{\"delta\":{\"content\":\"",
            b'a',
            Some(100 << 20),
            "text/event-stream",
        ),
        _ => return None,
    };
    let handler = move || async move {
        let event = Bytes::from(
            b"data: {\"choices\":[{\"delta\":{\"content\":\"ha \"}}]}\n\n".repeat(CHUNK / 48),
        );
        let filler = Bytes::from(vec![fill; CHUNK]);
        let first = Bytes::from_static(prefix);
        let stream = futures_util::stream::unfold(0u64, move |sent| {
            let (event, filler, first) = (event.clone(), filler.clone(), first.clone());
            async move {
                let chunk = match total {
                    None => event,
                    Some(t) if sent >= t => return None,
                    Some(_) if sent == 0 => first,
                    Some(_) => filler,
                };
                let n = chunk.len() as u64;
                Some((Ok::<_, std::io::Error>(chunk), sent + n))
            }
        });
        let mut r = Response::new(Body::from_stream(stream));
        r.headers_mut()
            .insert("content-type", ctype.parse().expect("valid header"));
        r
    };
    Some(Router::new().route("/v1/chat/completions", post(handler)))
}
