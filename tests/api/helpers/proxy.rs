//! A TCP proxy a test can cut, restore or throttle.
use std::sync::Arc;
use std::time::Duration;

/// A TCP proxy in front of a real server that a test can cut (live connections are dropped and
/// new ones refused) and restore: a database outage without touching the database.
pub struct TcpProxy {
    pub port: u16,
    up: Arc<std::sync::atomic::AtomicBool>,
    live: Arc<std::sync::Mutex<Vec<tokio::task::AbortHandle>>>,
}

/// Copies `from` to `to` at most `bytes_per_second` (a slow uplink), in 16 KB steps.
async fn copy_throttled(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    bytes_per_second: u64,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // When the link is free again; an idle connection (keep-alive) earns no credit.
    let mut free_at = tokio::time::Instant::now();
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        free_at = free_at.max(tokio::time::Instant::now())
            + Duration::from_secs_f64(n as f64 / bytes_per_second as f64);
        tokio::time::sleep_until(free_at).await;
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}

impl TcpProxy {
    pub fn start(target: std::net::SocketAddr) -> TcpProxy {
        Self::start_with(target, None)
    }

    /// A proxy whose client-to-server direction carries at most `bytes_per_second` (a slow
    /// uplink, e.g. 10 Mbit/s = 1,250,000); answers come back at full speed.
    pub fn start_throttled(target: std::net::SocketAddr, bytes_per_second: u64) -> TcpProxy {
        Self::start_with(target, Some(bytes_per_second.max(1)))
    }

    fn start_with(target: std::net::SocketAddr, uplink: Option<u64>) -> TcpProxy {
        let up = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let live = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let (up2, live2) = (up.clone(), live.clone());
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("proxy runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind proxy");
                let _ = tx.send(listener.local_addr().expect("addr").port());
                loop {
                    let Ok((mut inbound, _)) = listener.accept().await else {
                        continue;
                    };
                    if !up2.load(std::sync::atomic::Ordering::SeqCst) {
                        drop(inbound);
                        continue;
                    }
                    let task = tokio::spawn(async move {
                        let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await else {
                            return;
                        };
                        match uplink {
                            None => {
                                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound)
                                    .await;
                            }
                            Some(rate) => {
                                let (client_read, mut client_write) = inbound.into_split();
                                let (mut server_read, server_write) = outbound.into_split();
                                let up = copy_throttled(client_read, server_write, rate);
                                let down = tokio::io::copy(&mut server_read, &mut client_write);
                                let _ = tokio::join!(up, down);
                            }
                        }
                    });
                    live2.lock().expect("live").push(task.abort_handle());
                }
            });
        });
        TcpProxy {
            port: rx.recv().expect("proxy started"),
            up,
            live,
        }
    }

    pub fn cut(&self) {
        self.up.store(false, std::sync::atomic::Ordering::SeqCst);
        for task in self.live.lock().expect("live").drain(..) {
            task.abort();
        }
    }

    pub fn restore(&self) {
        self.up.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}
