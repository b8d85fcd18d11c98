//! Figures for the health board: 200 probe-bearing components, one hung
//! endpoint among them, run under the default limits.
//!
//! cargo run --release --example health_200 [-- --probes 200 --timeout 3]
//!
//! Serves 8 loopback "hosts" (127.0.0.1 … 127.0.0.8, each its own listener)
//! answering `/healthz` after 5–40 ms, plus one `/hung` that reads the request
//! and never answers. Prints the time to the first result, to all but the
//! hung one, to all of them, and how the hung one ended.

use callboard::health::{probes_for, HealthConfig, Rollup, Runner, State};
use serde_json::json;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn serve(listener: TcpListener) {
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().flatten().enumerate() {
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut first = String::new();
                let _ = reader.read_line(&mut first);
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) <= 2 {
                        break;
                    }
                }
                if first.contains("/hung") {
                    std::thread::sleep(Duration::from_secs(3600));
                    return;
                }
                std::thread::sleep(Duration::from_millis(5 + (n as u64 * 7) % 36));
                let body = r#"{"status":"UP"}"#;
                let _ = (&stream).write_all(
                    format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())
                        .as_bytes(),
                );
            });
        }
    });
}

fn main() {
    let mut probes = 200usize;
    let mut timeout = 3u64;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--probes" => probes = args.next().and_then(|v| v.parse().ok()).unwrap_or(probes),
            "--timeout" => timeout = args.next().and_then(|v| v.parse().ok()).unwrap_or(timeout),
            other => panic!("unknown argument {other}"),
        }
    }
    let hosts: Vec<String> = (1..=8)
        .map(|i| {
            let listener = TcpListener::bind(format!("127.0.0.{i}:0")).expect("loopback listener");
            let addr = listener.local_addr().unwrap();
            serve(listener);
            format!("http://{addr}")
        })
        .collect();
    let hung_at = probes / 2 + 37 % probes.max(1);
    let entities: Vec<_> = (0..probes)
        .map(|i| {
            let path = if i == hung_at { "/hung" } else { "/healthz" };
            json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
                   "metadata": {"name": format!("svc-{i:03}"),
                                "links": [{"url": format!("{}{path}", hosts[i % hosts.len()]), "type": "health"}]},
                   "spec": {"type": "service"}})
        })
        .collect();
    let config: HealthConfig = toml::from_str(&format!("timeout = {timeout}")).unwrap();
    let specs: Vec<_> = entities.iter().flat_map(|e| probes_for(e, &config)).collect();
    println!(
        "{} probes on {} hosts, one hung; limits: {} overall, {} per host, timeout {} s",
        specs.len(),
        hosts.len(),
        config.concurrency,
        config.per_host,
        config.timeout
    );
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let config = Arc::new(config);
        let runner = Runner::new(config.clone(), Runner::client(&config));
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let started = Instant::now();
        let expected = runner.submit(specs, tx);
        let mut results = Vec::with_capacity(expected);
        let (mut first, mut all_but_hung) = (None, None);
        while results.len() < expected {
            let Some(r) = rx.recv().await else { break };
            first.get_or_insert(started.elapsed());
            results.push(r);
            if results.len() == expected - 1 {
                all_but_hung = Some(started.elapsed());
            }
        }
        let all = started.elapsed();
        let rollup = Rollup::of_results(results.iter(), callboard::source::unix_now(), config.ttl);
        let hung = results.iter().find(|r| r.state != State::Ok);
        println!("first result:        {:>8.1} ms", first.unwrap_or_default().as_secs_f64() * 1000.0);
        println!("all but the hung one:{:>8.1} ms", all_but_hung.unwrap_or_default().as_secs_f64() * 1000.0);
        println!("all results:         {:>8.1} ms", all.as_secs_f64() * 1000.0);
        println!("rollup:              {}", rollup.summary());
        match hung {
            Some(h) => println!(
                "hung one:            {} {} {} ({}), after {} ms",
                h.entity,
                h.state.symbol(),
                h.state.word(),
                h.error.as_deref().unwrap_or(""),
                h.latency_ms
            ),
            None => println!("hung one:            not found (it answered?)"),
        }
    });
}
