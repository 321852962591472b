//! A small incremental Server-Sent Events parser following the WHATWG rules.
//!
//! Written here rather than using `eventsource-stream` because parity needs
//! what that crate throws away: comments (OpenRouter's keep-alives), whether
//! the stream ended in the middle of an event (a truncated stream), and the
//! same code path for live bytes and for bytes read back from a recording.

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Event {
    /// `event:` field; empty means the default type `message`.
    pub event: String,
    /// `data:` lines joined with `\n`.
    pub data: String,
    /// Last event id seen (not reset between events, per the spec).
    pub id: String,
}

/// What the parser yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Event(Event),
    /// A line starting with `:`, without the colon and one leading space.
    Comment(String),
}

#[derive(Debug, Default)]
pub struct Parser {
    /// Bytes of an incomplete line (may end in the middle of a UTF-8 char).
    line: Vec<u8>,
    /// The previous chunk ended with CR: a following LF belongs to it.
    after_cr: bool,
    data: String,
    has_data: bool,
    event: String,
    last_id: String,
    /// Any field seen since the last dispatch (for truncation reporting).
    pending: bool,
    started: bool,
}

impl Parser {
    pub fn new() -> Parser {
        Parser::default()
    }

    /// Feed raw bytes; returns the items completed by them.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Item> {
        let mut out = Vec::new();
        for &b in bytes {
            if self.after_cr {
                self.after_cr = false;
                if b == b'\n' {
                    continue;
                }
            }
            match b {
                b'\r' => {
                    self.after_cr = true;
                    self.end_line(&mut out);
                }
                b'\n' => self.end_line(&mut out),
                _ => self.line.push(b),
            }
        }
        out
    }

    /// True when the stream stopped in the middle of an event: bytes of an
    /// unterminated line or fields without the blank line that dispatches
    /// them. Per the spec such an event is discarded.
    pub fn has_partial(&self) -> bool {
        !self.line.is_empty() || self.pending
    }

    /// End of body. Complete lines of an event that lacks only its final
    /// blank line are dispatched, as the OpenAI SDK does, so a server that
    /// ends with `data: [DONE]\n` is not called truncated. Returns those
    /// items and whether an unterminated line was left (a cut stream).
    pub fn finish(&mut self) -> (Vec<Item>, bool) {
        let cut = !self.line.is_empty();
        let mut out = Vec::new();
        if self.pending {
            self.dispatch(&mut out);
        }
        (out, cut)
    }

    fn end_line(&mut self, out: &mut Vec<Item>) {
        let raw = std::mem::take(&mut self.line);
        let mut text = String::from_utf8_lossy(&raw).into_owned();
        if !self.started {
            self.started = true;
            if let Some(rest) = text.strip_prefix('\u{feff}') {
                text = rest.to_owned();
            }
        }
        if text.is_empty() {
            self.dispatch(out);
            return;
        }
        if let Some(c) = text.strip_prefix(':') {
            out.push(Item::Comment(c.strip_prefix(' ').unwrap_or(c).to_owned()));
            return;
        }
        let (field, value) = match text.find(':') {
            Some(i) => {
                let v = &text[i + 1..];
                (&text[..i], v.strip_prefix(' ').unwrap_or(v))
            }
            None => (text.as_str(), ""),
        };
        match field {
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
                self.pending = true;
            }
            "event" => {
                self.event = value.to_owned();
                self.pending = true;
            }
            "id" => {
                if !value.contains('\0') {
                    self.last_id = value.to_owned();
                }
                self.pending = true;
            }
            // `retry` and unknown fields are ignored.
            _ => {}
        }
    }

    fn dispatch(&mut self, out: &mut Vec<Item>) {
        self.pending = false;
        let event = std::mem::take(&mut self.event);
        if !self.has_data {
            // Spec: an event with no data is not dispatched. LLM Gateway's
            // `event: done` always carries data, so nothing is lost here.
            self.data.clear();
            return;
        }
        self.has_data = false;
        out.push(Item::Event(Event {
            event,
            data: std::mem::take(&mut self.data),
            id: self.last_id.clone(),
        }));
    }
}

/// Parse a complete body. Returns the items and whether it ended in the
/// middle of a line.
pub fn parse_all(bytes: &[u8]) -> (Vec<Item>, bool) {
    let mut p = Parser::new();
    let mut items = p.feed(bytes);
    let (rest, cut) = p.finish();
    items.extend(rest);
    (items, cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(items: &[Item]) -> Vec<&Event> {
        items
            .iter()
            .filter_map(|i| match i {
                Item::Event(e) => Some(e),
                Item::Comment(_) => None,
            })
            .collect()
    }

    #[test]
    fn multi_line_data_is_joined_with_newline() {
        let (items, partial) = parse_all(b"data: {\"a\":\ndata:  1}\n\n");
        assert!(!partial);
        let ev = events(&items);
        assert_eq!(ev.len(), 1);
        // Only one leading space is stripped.
        assert_eq!(ev[0].data, "{\"a\":\n 1}");
    }

    #[test]
    fn comments_event_names_and_ids() {
        let body = b": OPENROUTER PROCESSING\n\nid: 1\ndata: x\n\nevent: done\ndata: [DONE]\n\n";
        let (items, partial) = parse_all(body);
        assert!(!partial);
        assert_eq!(items[0], Item::Comment("OPENROUTER PROCESSING".into()));
        let ev = events(&items);
        assert_eq!(ev.len(), 2);
        assert_eq!((ev[0].id.as_str(), ev[0].data.as_str()), ("1", "x"));
        // The id is not reset by an event without an id line.
        assert_eq!(
            (ev[1].event.as_str(), ev[1].id.as_str(), ev[1].data.as_str()),
            ("done", "1", "[DONE]")
        );
    }

    #[test]
    fn crlf_cr_and_split_chunks() {
        let mut p = Parser::new();
        let mut items = p.feed(b"data: a\r");
        items.extend(p.feed(b"\ndata: b\r\r"));
        items.extend(p.feed(b"data: c\n"));
        assert!(p.has_partial());
        items.extend(p.feed(b"\n"));
        assert!(!p.has_partial());
        let ev = events(&items);
        assert_eq!(ev.len(), 2);
        assert_eq!(ev[0].data, "a\nb");
        assert_eq!(ev[1].data, "c");
    }

    #[test]
    fn utf8_split_across_chunks_survives() {
        let s = "data: héllo\n\n".as_bytes();
        let mut p = Parser::new();
        let mut items = p.feed(&s[..8]);
        items.extend(p.feed(&s[8..]));
        assert_eq!(events(&items)[0].data, "héllo");
    }

    #[test]
    fn truncated_stream_is_reported_and_event_discarded() {
        let (items, partial) = parse_all(b"data: {\"x\":1}\n\ndata: {\"y\"");
        assert!(partial);
        assert_eq!(events(&items).len(), 1);
        // A complete last line without its blank line is accepted at the
        // end of the body, as the OpenAI SDK accepts it.
        let (items, partial) = parse_all(b"data: a\n\ndata: [DONE]\n");
        assert!(!partial);
        assert_eq!(events(&items)[1].data, "[DONE]");
    }

    #[test]
    fn field_without_colon_and_unknown_fields() {
        let (items, _) = parse_all(b"data\nretry: 10\nfoo: bar\n\n");
        let ev = events(&items);
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0].data, "");
    }

    #[test]
    fn event_without_data_is_not_dispatched() {
        let (items, _) = parse_all(b"event: ping\n\ndata: 1\n\n");
        let ev = events(&items);
        assert_eq!(ev.len(), 1);
        assert_eq!(
            ev[0].event, "",
            "event type must not leak into the next event"
        );
    }

    proptest::proptest! {
        /// However the bytes are split into chunks, the same items come out.
        #[test]
        fn chunking_does_not_change_the_result(
            events in proptest::collection::vec(("[a-z]{0,3}", "[ -~é]{0,12}", proptest::bool::ANY), 0..8),
            cuts in proptest::collection::vec(0usize..400, 0..10),
            crlf in proptest::bool::ANY,
        ) {
            let nl = if crlf { "\r\n" } else { "\n" };
            let mut body = String::new();
            for (name, data, comment) in &events {
                if *comment {
                    body.push_str(&format!(": keep-alive{nl}"));
                }
                if !name.is_empty() {
                    body.push_str(&format!("event: {name}{nl}"));
                }
                for line in data.split('é') {
                    body.push_str(&format!("data: {line}{nl}"));
                }
                body.push_str(nl);
            }
            let bytes = body.as_bytes();
            let (whole, partial) = parse_all(bytes);
            proptest::prop_assert!(!partial);
            let mut cuts: Vec<usize> = cuts.into_iter().filter(|c| *c < bytes.len()).collect();
            cuts.sort_unstable();
            let mut p = Parser::new();
            let mut got = Vec::new();
            let mut last = 0;
            for c in cuts.into_iter().chain([bytes.len()]) {
                got.extend(p.feed(&bytes[last..c]));
                last = c;
            }
            proptest::prop_assert_eq!(&got, &whole);
            let n = whole.iter().filter(|i| matches!(i, Item::Event(_))).count();
            proptest::prop_assert_eq!(n, events.len());
        }
    }
}
