//! Slow and silent clients against the generated server, over loopback with short timeouts:
//! a head sent byte by byte, a connection that says nothing, an idle keep-alive connection
//! and a body that never comes are all cut off, while a slow handler and a client that keeps
//! its connection busy are not.
//!
//! Timers never fire early, so lower bounds on elapsed time are exact; upper bounds are
//! generous, for a loaded machine. Every wait has a deadline, so no test can hang.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use matrix_sync_api::endpoints::{sync, AccessToken};
use matrix_sync_api::runtime::server::ServerConfig;
use matrix_sync_api::runtime::ApiError;
use matrix_sync_api::server::{Api, Context};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SYNC: &str = sync::METADATA.path;
const HEADER: Duration = Duration::from_millis(300);
const IDLE: Duration = Duration::from_millis(700);
const BODY: Duration = Duration::from_millis(300);
/// How long any test waits for anything.
const DEADLINE: Duration = Duration::from_secs(5);

/// Answers every request with an empty sync response after `delay`.
struct Server {
    delay: Duration,
}

impl Api for Server {
    async fn sync(&self, _: &Context, _: AccessToken, _: sync::Request) -> Result<sync::Response, ApiError> {
        tokio::time::sleep(self.delay).await;
        Ok(sync::Response::Ok(Default::default()))
    }
}

async fn start(delay: Duration) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free loopback port");
    let addr = listener.local_addr().expect("a bound address");
    let config = ServerConfig {
        header_read_timeout: HEADER,
        idle_timeout: IDLE,
        body_read_timeout: BODY,
        ..ServerConfig::default()
    };
    tokio::spawn(matrix_sync_api::server::router(Arc::new(Server { delay })).with_config(config).serve(listener));
    addr
}

async fn connect(addr: SocketAddr) -> TcpStream {
    tokio::time::timeout(DEADLINE, TcpStream::connect(addr))
        .await
        .expect("connects in time")
        .expect("the server accepts")
}

/// Waits until the server closes `stream` (end of stream or reset) and returns when that
/// was; anything the server sends first is read and returned too.
async fn closed(stream: &mut TcpStream) -> (Instant, Vec<u8>) {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    let wait = async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return Instant::now(),
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    };
    let at = tokio::time::timeout(DEADLINE, wait).await.expect("the server closes the connection in time");
    (at, received)
}

/// Reads one response of a keep-alive connection: the head, then `content-length` bytes.
async fn response(stream: &mut TcpStream) -> (u16, Vec<u8>) {
    let read = async {
        let mut bytes = Vec::new();
        let mut buffer = [0u8; 4096];
        loop {
            if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&bytes[..end]).to_ascii_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|line| line.strip_prefix("content-length:"))
                    .and_then(|value| value.trim().parse().ok())
                    .expect("a content-length");
                if bytes.len() >= end + 4 + length {
                    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status");
                    return (status, bytes[end + 4..end + 4 + length].to_vec());
                }
            }
            let n = stream.read(&mut buffer).await.expect("the response is read");
            assert!(n > 0, "the connection closed before a whole response: {:?}", String::from_utf8_lossy(&bytes));
            bytes.extend_from_slice(&buffer[..n]);
        }
    };
    tokio::time::timeout(DEADLINE, read).await.expect("a response in time")
}

async fn write(stream: &mut TcpStream, bytes: &str) {
    stream.write_all(bytes.as_bytes()).await.expect("the server reads");
}

fn request(addr: SocketAddr) -> String {
    format!("GET {SYNC}?access_token=t HTTP/1.1\r\nHost: {addr}\r\n\r\n")
}

#[tokio::test]
async fn a_head_sent_byte_by_byte_is_cut_off_after_the_header_timeout() {
    let addr = start(Duration::ZERO).await;
    let mut stream = connect(addr).await;
    let start = Instant::now();
    let trickle = async {
        write(&mut stream, &format!("GET {SYNC}?access_token=t HTTP/1.1\r\nHost: {addr}\r\n")).await;
        for i in 0.. {
            tokio::time::sleep(Duration::from_millis(50)).await;
            if stream.write_all(format!("X-Slow-{i}: a\r\n").as_bytes()).await.is_err() {
                break;
            }
        }
    };
    // The writes fail once the server has closed; the trickle never ends the head.
    let _ = tokio::time::timeout(DEADLINE, trickle).await;
    let (at, received) = closed(&mut stream).await;
    let elapsed = at - start;
    assert!(elapsed >= HEADER, "closed after {elapsed:?}, before the header timeout");
    assert!(elapsed < DEADLINE, "closed after {elapsed:?}");
    assert!(received.is_empty(), "no answer to half a head: {:?}", String::from_utf8_lossy(&received));
}

#[tokio::test]
async fn a_connection_that_never_speaks_is_closed_after_the_header_timeout() {
    let addr = start(Duration::ZERO).await;
    let start = Instant::now();
    let mut stream = connect(addr).await;
    let (at, received) = closed(&mut stream).await;
    assert!(at - start >= HEADER, "closed after {:?}", at - start);
    assert!(received.is_empty());
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let addr = start(Duration::ZERO).await;
    let mut stream = connect(addr).await;
    write(&mut stream, &request(addr)).await;
    let (status, _) = response(&mut stream).await;
    assert_eq!(status, 200);
    let answered = Instant::now();
    let (at, received) = closed(&mut stream).await;
    // The idle timeout, not the (shorter) header timeout, governs a connection between requests.
    assert!(at - answered >= IDLE - Duration::from_millis(50), "closed after {:?}", at - answered);
    assert!(received.is_empty());
}

#[tokio::test]
async fn a_connection_kept_busy_outlives_the_idle_timeout() {
    let addr = start(Duration::ZERO).await;
    let mut stream = connect(addr).await;
    let start = Instant::now();
    for _ in 0..4 {
        write(&mut stream, &request(addr)).await;
        assert_eq!(response(&mut stream).await.0, 200);
        tokio::time::sleep(IDLE / 2).await;
    }
    assert!(start.elapsed() > IDLE * 2, "the connection served requests for longer than the idle timeout");
}

#[tokio::test]
async fn a_slow_handler_is_not_cut_off_by_the_connection_timeouts() {
    let addr = start(IDLE + HEADER).await;
    let mut stream = connect(addr).await;
    write(&mut stream, &request(addr)).await;
    assert_eq!(response(&mut stream).await.0, 200);
}

#[tokio::test]
async fn a_body_that_never_comes_is_not_waited_for() {
    // `/sync` takes no body: the announced one is refused at once, unread.
    let addr = start(Duration::ZERO).await;
    let mut stream = connect(addr).await;
    let start = Instant::now();
    write(&mut stream, &format!("GET {SYNC}?access_token=t HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 100\r\n\r\n{{"))
        .await;
    let (at, received) = closed(&mut stream).await;
    let text = String::from_utf8_lossy(&received);
    assert!(text.starts_with("HTTP/1.1 400 "), "{text}");
    assert!(text.contains("takes no request body"), "{text}");
    assert!(at - start < BODY, "answered after {:?}, not at once", at - start);
}

#[tokio::test]
async fn the_server_survives_many_abandoned_connections() {
    let addr = start(Duration::ZERO).await;
    let mut abandoned = Vec::new();
    for _ in 0..50 {
        let mut stream = connect(addr).await;
        write(&mut stream, "GET / HT").await;
        abandoned.push(stream);
    }
    for stream in &mut abandoned {
        closed(stream).await;
    }
    let mut stream = connect(addr).await;
    write(&mut stream, &request(addr)).await;
    assert_eq!(response(&mut stream).await.0, 200);
}
