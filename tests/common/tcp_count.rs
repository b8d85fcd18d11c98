//! A TCP relay on 127.0.0.1 that counts the connections made through it to a
//! real server: how a test sees whether a client reuses its connections.

#![allow(dead_code)]

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

pub struct CountingRelay {
    pub addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
}

impl CountingRelay {
    /// Relay every connection to `target` (e.g. `127.0.0.1:7007`).
    pub fn start(target: SocketAddr) -> CountingRelay {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = accepted.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                count.fetch_add(1, Ordering::SeqCst);
                let Ok(server) = TcpStream::connect(target) else { continue };
                let (mut c_read, mut s_write) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                let (mut s_read, mut c_write) = (server, client);
                std::thread::spawn(move || std::io::copy(&mut c_read, &mut s_write));
                std::thread::spawn(move || std::io::copy(&mut s_read, &mut c_write));
            }
        });
        CountingRelay { addr, accepted }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}
