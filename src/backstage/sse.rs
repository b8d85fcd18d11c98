//! A small incremental Server-Sent Events parser (the WHATWG event-stream
//! format): bytes go in as they arrive, whole events come out. Handles
//! `event:`/`data:`/`id:` fields, multi-line data, `:` comments, CR, LF and
//! CRLF line ends split anywhere across chunks, and a UTF-8 character split
//! across chunks (lines are decoded only once complete).

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// `event:`; "message" when the stream named none.
    pub event: String,
    /// The `data:` lines joined with `\n`.
    pub data: String,
    /// The last `id:` seen so far in the stream (it persists across events).
    pub id: Option<String>,
}

/// Longest line accepted: a stream that never ends a line is not SSE (a
/// proxy's HTML page, a binary body), and must not grow memory without bound.
const MAX_LINE: usize = 4 << 20;

#[derive(Debug, Default)]
pub struct SseParser {
    line: Vec<u8>,
    /// The previous chunk ended in CR: a LF starting the next one is its pair.
    after_cr: bool,
    event: Option<String>,
    data: Option<String>,
    last_id: Option<String>,
}

impl SseParser {
    pub fn new() -> SseParser {
        SseParser::default()
    }

    /// Feed a chunk; gives the events it completed. An error means the body
    /// is not an event stream (a line longer than any event would be).
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<SseEvent>, String> {
        let mut out = Vec::new();
        for &b in chunk {
            if std::mem::take(&mut self.after_cr) && b == b'\n' {
                continue;
            }
            match b {
                b'\r' | b'\n' => {
                    self.after_cr = b == b'\r';
                    let line = std::mem::take(&mut self.line);
                    if let Some(event) = self.line_done(&line) {
                        out.push(event);
                    }
                }
                _ => {
                    if self.line.len() >= MAX_LINE {
                        return Err(format!("a line longer than {} MiB: not an event stream", MAX_LINE >> 20));
                    }
                    self.line.push(b);
                }
            }
        }
        Ok(out)
    }

    /// Anything left that never got its blank line: a stream cut mid-event.
    pub fn has_partial(&self) -> bool {
        !self.line.is_empty() || self.data.is_some() || self.event.is_some()
    }

    fn line_done(&mut self, line: &[u8]) -> Option<SseEvent> {
        if line.is_empty() {
            // A blank line dispatches; an event with no data is dropped (as browsers do).
            let event = self.event.take();
            let data = self.data.take()?;
            return Some(SseEvent { event: event.unwrap_or_else(|| "message".into()), data, id: self.last_id.clone() });
        }
        let line = String::from_utf8_lossy(line);
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (&*line, ""),
        };
        match field {
            "event" => self.event = Some(value.to_string()),
            "data" => match &mut self.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => self.data = Some(value.to_string()),
            },
            "id" if !value.contains('\0') => self.last_id = Some(value.to_string()),
            // `retry:` and unknown fields are ignored, as the format says.
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STREAM: &str = ": hello\r\nevent: log\r\ndata: {\"id\":1,\r\ndata: \"x\":\"é\"}\r\n\r\n\
                          id: 7\nevent: completion\ndata:{\"id\":2}\n\n\rdata: plain\r\r";

    fn expected() -> Vec<SseEvent> {
        vec![
            SseEvent { event: "log".into(), data: "{\"id\":1,\n\"x\":\"é\"}".into(), id: None },
            SseEvent { event: "completion".into(), data: "{\"id\":2}".into(), id: Some("7".into()) },
            SseEvent { event: "message".into(), data: "plain".into(), id: Some("7".into()) },
        ]
    }

    #[test]
    fn whole_stream() {
        let mut p = SseParser::new();
        assert_eq!(p.push(STREAM.as_bytes()).unwrap(), expected());
        assert!(!p.has_partial());
    }

    /// Every split point, and byte by byte: CRLF and the two-byte `é` cut in half included.
    #[test]
    fn split_anywhere() {
        let bytes = STREAM.as_bytes();
        for cut in 0..=bytes.len() {
            let mut p = SseParser::new();
            let mut got = p.push(&bytes[..cut]).unwrap();
            got.extend(p.push(&bytes[cut..]).unwrap());
            assert_eq!(got, expected(), "cut at {cut}");
        }
        let mut p = SseParser::new();
        let got: Vec<SseEvent> = bytes.iter().flat_map(|b| p.push(&[*b]).unwrap()).collect();
        assert_eq!(got, expected());
    }

    #[test]
    fn cut_mid_event_is_partial_not_dispatched() {
        let mut p = SseParser::new();
        assert!(p.push(b"event: log\ndata: {\"id\":3").unwrap().is_empty());
        assert!(p.has_partial());
        let mut p = SseParser::new();
        assert!(p.push(b"event: log\ndata: {}\n").unwrap().is_empty());
        assert!(p.has_partial(), "no blank line yet");
    }

    #[test]
    fn endless_line_is_an_error() {
        let mut p = SseParser::new();
        let junk = vec![b'x'; MAX_LINE + 1];
        assert!(p.push(&junk).unwrap_err().contains("not an event stream"));
    }
}
