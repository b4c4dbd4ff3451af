//! A real SMTP server on 127.0.0.1 (mailin-embedded, in process) that records what it accepts
//! and can be told to misbehave.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use mailin_embedded::response::{NO_MAILBOX, NO_SERVICE, OK};
use mailin_embedded::{Handler, Response, Server, SslConfig};

/// How the server answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Accepts everything.
    None,
    /// Half the attempts refused: alternately 451 at RCPT (greylisting) and 421 at the end of
    /// DATA (the server closes the connection).
    Flaky,
    /// Every recipient refused with 550.
    Reject550,
}

#[derive(Clone, Debug)]
pub struct Received {
    pub to: Vec<String>,
    pub data: String,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        self.data
            .lines()
            .take_while(|l| !l.is_empty())
            .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
            .map(|l| l[prefix.len()..].trim().to_owned())
    }

    pub fn message_id(&self) -> String {
        self.header("Message-ID").expect("a Message-ID header")
    }
}

#[derive(Default)]
struct State {
    received: Vec<Received>,
    attempts: usize,
    fault: Option<Fault>,
}

#[derive(Clone)]
struct Sink {
    state: Arc<Mutex<State>>,
    to: Vec<String>,
    data: Vec<u8>,
    close_at_end: bool,
}

impl Handler for Sink {
    fn mail(&mut self, _ip: std::net::IpAddr, _domain: &str, _from: &str) -> Response {
        self.to.clear();
        self.data.clear();
        OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        let mut state = self.state.lock().unwrap();
        state.attempts += 1;
        match state.fault {
            Some(Fault::Reject550) => return NO_MAILBOX,
            Some(Fault::Flaky) if state.attempts % 4 == 1 => {
                return Response::custom(451, "4.7.1 Greylisted, try again later".into());
            }
            Some(Fault::Flaky) => self.close_at_end = state.attempts % 4 == 3,
            _ => self.close_at_end = false,
        }
        self.to.push(to.to_owned());
        OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if std::mem::take(&mut self.close_at_end) {
            return NO_SERVICE;
        }
        let mut state = self.state.lock().unwrap();
        state.received.push(Received {
            to: self.to.clone(),
            data: String::from_utf8_lossy(&self.data).into_owned(),
        });
        OK
    }
}

pub struct SmtpSink {
    pub port: u16,
    state: Arc<Mutex<State>>,
}

/// A free port with nothing listening on it (yet).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl SmtpSink {
    pub fn start() -> Self {
        Self::start_on(0)
    }

    /// Starts on `port` (0: any free port). The server runs until the test process ends.
    pub fn start_on(port: u16) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("SMTP port free");
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State {
            fault: Some(Fault::None),
            ..State::default()
        }));
        let handler = Sink {
            state: state.clone(),
            to: Vec::new(),
            data: Vec::new(),
            close_at_end: false,
        };
        std::thread::spawn(move || {
            let mut server = Server::new(handler);
            server
                .with_name("sink.test")
                .with_num_threads(32)
                .with_tcp_listener(listener);
            if let Err(e) = server.with_ssl(SslConfig::None).map(|_| ()) {
                eprintln!("SMTP sink: {e}");
                return;
            }
            if let Err(e) = server.serve() {
                eprintln!("SMTP sink stopped: {e}");
            }
        });
        SmtpSink { port, state }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn set_fault(&self, fault: Fault) {
        self.state.lock().unwrap().fault = Some(fault);
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    /// How many delivery attempts reached RCPT (accepted or not).
    pub fn attempts(&self) -> usize {
        self.state.lock().unwrap().attempts
    }
}
