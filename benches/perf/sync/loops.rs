//! The physical reference: paging loops over `by-query` that do nothing
//! with the bytes but decode them and find the next cursor.

use super::Server;
use std::io::Write;
use std::process::Command;
use std::time::Instant;

/// One paging loop's cost.
#[derive(Debug, Clone, Copy, Default)]
pub struct Pass {
    /// Wall time (of the whole process, for `callboard`).
    pub secs: f64,
    /// For `callboard`: the time it reports itself (process start and exit excluded).
    pub reported: f64,
    pub requests: u64,
    pub wire: u64,
    pub decoded: u64,
}

impl Pass {
    pub fn show(&self) -> String {
        format!(
            "{:.3} s, {} requests, {:.2} MB on the wire ({:.1} MB decoded)",
            self.secs,
            self.requests,
            self.wire as f64 / 1e6,
            self.decoded as f64 / 1e6
        )
    }
}

/// GET by-query page after page on one keep-alive connection, gzip, each
/// body decoded while it arrives and the cursor found by a byte search.
pub fn bare(server: &Server, limit: usize, fields: Option<&str>) -> Pass {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let http = reqwest::Client::builder().no_gzip().build().unwrap();
    runtime.block_on(async {
        let mut pass = Pass::default();
        let started = Instant::now();
        let mut cursor: Option<String> = None;
        loop {
            let mut query = vec![("limit", limit.to_string())];
            if let Some(c) = &cursor {
                query.push(("cursor", c.clone()));
            }
            if let Some(f) = fields {
                query.push(("fields", f.to_string()));
            }
            let response = http
                .get(format!("{}/api/catalog/entities/by-query", server.url))
                .query(&query)
                .header("authorization", format!("Bearer {}", server.token))
                .header("accept-encoding", "gzip")
                .send()
                .await
                .expect("bare request");
            // Decoded as it arrives, as curl does; small answers (the last page) come plain.
            let mut response = response;
            let gzipped = response.headers().get("content-encoding").is_some_and(|v| v == "gzip");
            let mut gzip = flate2::write::MultiGzDecoder::new(Vec::with_capacity(1 << 20));
            let mut plain = Vec::new();
            while let Some(chunk) = response.chunk().await.expect("bare body") {
                pass.wire += chunk.len() as u64;
                if gzipped {
                    gzip.write_all(&chunk).expect("gzip");
                } else {
                    plain.extend_from_slice(&chunk);
                }
            }
            let decoded = if gzipped { gzip.finish().expect("gzip") } else { plain };
            pass.requests += 1;
            pass.decoded += decoded.len() as u64;
            cursor = next_cursor(&decoded);
            if cursor.is_none() {
                break;
            }
        }
        pass.secs = started.elapsed().as_secs_f64();
        pass.reported = pass.secs;
        pass
    })
}

fn next_cursor(body: &[u8]) -> Option<String> {
    const KEY: &[u8] = b"\"nextCursor\":\"";
    let at = body.windows(KEY.len()).rposition(|w| w == KEY)? + KEY.len();
    let end = body[at..].iter().position(|&b| b == b'"')?;
    Some(String::from_utf8_lossy(&body[at..at + end]).into_owned())
}

/// One GET and its wall time in ms (count, facets: the cheap questions).
pub fn one_request(server: &Server, path_and_query: &str) -> f64 {
    let started = Instant::now();
    let out = Command::new("curl")
        .args(["-sS", "-o", "/dev/null", "-H", "Accept-Encoding: gzip", "-H"])
        .arg(format!("Authorization: Bearer {}", server.token))
        .arg(format!("{}{path_and_query}", server.url))
        .output();
    assert!(out.is_ok_and(|o| o.status.success()), "curl {path_and_query}");
    started.elapsed().as_secs_f64() * 1e3
}

/// The same loop with curl (gzip), one process per page, for the record.
pub fn curl(server: &Server, limit: usize) -> Option<Pass> {
    Command::new("curl").arg("--version").output().ok()?;
    let script = r#"
        url="$1/api/catalog/entities/by-query?limit=$2"; cursor=""; n=0; wire=0; body=$(mktemp)
        while :; do
          q="$url"; [ -n "$cursor" ] && q="$url&cursor=$cursor"
          w=$(curl -sS --compressed -H 'Accept-Encoding: gzip' -H "Authorization: Bearer $3" \
              -o "$body" -w '%{size_download}' "$q") || exit 1
          n=$((n+1)); wire=$((wire+w))
          cursor=$(tail -c 600 "$body" | grep -o '"nextCursor":"[^"]*"' | cut -d'"' -f4)
          [ -z "$cursor" ] && break
        done
        rm -f "$body"; echo "$n $wire""#;
    let started = Instant::now();
    let out = Command::new("bash")
        .args(["-c", script, "curl-loop", &server.url, &limit.to_string(), &server.token])
        .output()
        .ok()?;
    let secs = started.elapsed().as_secs_f64();
    let text = String::from_utf8_lossy(&out.stdout);
    let mut words = text.split_whitespace().map(|w| w.parse::<u64>().unwrap_or(0));
    Some(Pass { secs, reported: secs, requests: words.next()?, wire: words.next()?, ..Pass::default() })
}
