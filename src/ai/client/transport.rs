//! The HTTP transport under async-openai: one request per call (our own retry loop is the only
//! one), the answer read up to a byte cap, and the call's HTTP facts on its span.
//!
//! The endpoint is whatever `OPENAI_BASE_URL` names, so its answer is not trusted to be small:
//! async-openai would read any body whole into memory before parsing it (one 10 MB answer took
//! the process from 62 to 183 MB). Past the cap the attempt fails like any unusable answer.
use async_openai::error::OpenAIError;
use async_openai::middleware::HttpRequestFactory;
use bytes::BytesMut;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A model's answer is JSON of a few KB (ten slides, a caption); this leaves room for long
/// reasoning preambles while keeping a misbehaving endpoint from costing real memory.
pub const MAX_ANSWER_BYTES: usize = 256 * 1024;

/// The error a body past [`MAX_ANSWER_BYTES`] fails with (through `OpenAIError::Boxed`).
#[derive(Debug, thiserror::Error)]
#[error("the model's answer is larger than {limit} bytes; not read further")]
pub struct AnswerTooLarge {
    pub limit: usize,
}

#[derive(Clone, Debug)]
pub struct BoundedTransport {
    client: reqwest013::Client,
    limit: usize,
}

impl BoundedTransport {
    pub fn new(limit: usize) -> BoundedTransport {
        BoundedTransport {
            client: reqwest013::Client::new(),
            limit,
        }
    }
}

type Answer = Pin<Box<dyn Future<Output = Result<reqwest013::Response, OpenAIError>> + Send>>;

impl tower::Service<HttpRequestFactory> for BoundedTransport {
    type Response = reqwest013::Response;
    type Error = OpenAIError;
    type Future = Answer;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), OpenAIError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: HttpRequestFactory) -> Answer {
        let (client, limit) = (self.client.clone(), self.limit);
        Box::pin(async move {
            let request = request.build().await?;
            let response = client
                .execute(request)
                .await
                .map_err(OpenAIError::Reqwest)?;
            let span = tracing::Span::current();
            span.record("http.response.status_code", response.status().as_u16());
            read_bounded(response, limit).await
        })
    }
}

/// The same response with its body read into memory, refused once it passes `limit` (by its
/// declared length before reading anything, or as it streams in).
async fn read_bounded(
    mut response: reqwest013::Response,
    limit: usize,
) -> Result<reqwest013::Response, OpenAIError> {
    let too_large = || OpenAIError::Boxed(Box::new(AnswerTooLarge { limit }));
    if response
        .content_length()
        .is_some_and(|declared| declared > limit as u64)
    {
        return Err(too_large());
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(OpenAIError::Reqwest)? {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    let mut rebuilt = http::Response::builder().status(response.status());
    if let Some(headers) = rebuilt.headers_mut() {
        *headers = response.headers().clone();
    }
    rebuilt
        .body(body.freeze())
        .map(reqwest013::Response::from)
        .map_err(|e| OpenAIError::InvalidArgument(format!("rebuilding the answer: {e}")))
}
