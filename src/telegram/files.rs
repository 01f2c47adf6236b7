//! Files from the Bot API (issue 35's avatar and logo uploads), bounded: a file is looked up
//! (`getFile`), refused when Telegram says it is too big, and downloaded only while it stays
//! within the caller's byte limit and time. The user chose the file, so neither its size nor
//! the speed of its transfer is trusted.
use std::time::Duration;

use futures::{Stream, StreamExt};
use teloxide::net::Download;
use teloxide::prelude::Requester;
use teloxide::types::{FileId, PhotoSize, UserId};
use teloxide::{Bot, RequestError};

use crate::media::MAX_UPLOAD_BYTES;

/// Why a file was not brought in.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    /// Larger than the caller's limit: said so by `getFile`, or found while downloading (the
    /// transfer stops at the first byte past the limit).
    #[error("the file is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: usize },
    #[error("the file did not arrive within {0:?}")]
    TimedOut(Duration),
    /// `getFile` failed (an unknown or expired file id, the Bot API unreachable).
    #[error("the Bot API did not give the file: {0}")]
    Lookup(#[from] RequestError),
    /// The transfer itself failed (teloxide strips the token from the error's URL).
    #[error("the file's transfer failed: {0}")]
    Transfer(String),
}

/// A file's bytes from its `file_path` (what `getFile` answers), at most `max_bytes` of them,
/// within `timeout` overall (however slowly the server trickles them).
pub async fn download_file(
    bot: &Bot,
    file_path: &str,
    max_bytes: usize,
    timeout: Duration,
) -> Result<Vec<u8>, DownloadError> {
    tokio::time::timeout(
        timeout,
        collect_bounded(bot.download_file_stream(file_path), max_bytes),
    )
    .await
    .map_err(|_| DownloadError::TimedOut(timeout))?
}

/// A file's bytes from its `file_id`: looked up, refused unread when Telegram already says it
/// is larger than `max_bytes`, else downloaded as [`download_file`] does; `timeout` bounds both.
pub async fn download_file_by_id(
    bot: &Bot,
    file_id: &str,
    max_bytes: usize,
    timeout: Duration,
) -> Result<Vec<u8>, DownloadError> {
    let fetch = async {
        let (file_path, file_size) = file_location(bot, file_id).await?;
        if known_size_exceeds(file_size, max_bytes) {
            return Err(DownloadError::TooLarge { max_bytes });
        }
        collect_bounded(bot.download_file_stream(&file_path), max_bytes).await
    };
    tokio::time::timeout(timeout, fetch)
        .await
        .map_err(|_| DownloadError::TimedOut(timeout))?
}

/// `getFile`: where the file can be downloaded from and its size in bytes (`u32::MAX` when
/// Telegram did not say; teloxide's stand-in).
pub async fn file_location(bot: &Bot, file_id: &str) -> Result<(String, u32), RequestError> {
    let file = bot.get_file(FileId(file_id.to_string())).await?;
    Ok((file.path, file.meta.size))
}

/// The `file_id` of the largest size of a user's current profile photo that the Bot API can
/// serve (`getUserProfilePhotos` with limit 1: only the latest photo); None when they have
/// none, or hide it from bots.
pub async fn largest_profile_photo(
    bot: &Bot,
    user_id: u64,
) -> Result<Option<String>, RequestError> {
    use teloxide::payloads::GetUserProfilePhotosSetters;
    let photos = bot
        .get_user_profile_photos(UserId(user_id))
        .limit(1)
        .await?;
    let latest = photos.photos.first().map(Vec::as_slice).unwrap_or_default();
    Ok(largest_within(latest, MAX_UPLOAD_BYTES).map(|size| size.file.id.0.clone()))
}

/// The size with the most pixels among those not known to exceed `max_bytes` (a size Telegram
/// gave no byte count for is tried: the download is bounded anyway).
fn largest_within(sizes: &[PhotoSize], max_bytes: usize) -> Option<&PhotoSize> {
    sizes
        .iter()
        .filter(|size| !known_size_exceeds(size.file.size, max_bytes))
        .max_by_key(|size| u64::from(size.width) * u64::from(size.height))
}

/// Whether a size Telegram reported is over the limit; `u32::MAX` is teloxide's "not said".
fn known_size_exceeds(reported: u32, max_bytes: usize) -> bool {
    reported != u32::MAX && usize::try_from(reported).is_ok_and(|size| size > max_bytes)
}

/// The stream's chunks gathered, stopping (and dropping the connection) as soon as they add up
/// to more than `max_bytes`.
async fn collect_bounded<S, B, E>(chunks: S, max_bytes: usize) -> Result<Vec<u8>, DownloadError>
where
    S: Stream<Item = Result<B, E>>,
    B: AsRef<[u8]>,
    E: std::fmt::Display,
{
    let mut chunks = std::pin::pin!(chunks);
    let mut bytes = Vec::new();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|e| DownloadError::Transfer(e.to_string()))?;
        if bytes.len() + chunk.as_ref().len() > max_bytes {
            return Err(DownloadError::TooLarge { max_bytes });
        }
        bytes.extend_from_slice(chunk.as_ref());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use teloxide::types::{FileMeta, FileUniqueId};

    fn size(id: &str, width: u32, height: u32, bytes: u32) -> PhotoSize {
        PhotoSize {
            file: FileMeta {
                id: FileId(id.into()),
                unique_id: FileUniqueId(format!("u-{id}")),
                size: bytes,
            },
            width,
            height,
        }
    }

    fn chunks(parts: Vec<&'static [u8]>) -> impl Stream<Item = Result<&'static [u8], String>> {
        futures::stream::iter(parts.into_iter().map(Ok))
    }

    #[test]
    fn the_largest_photo_size_within_the_limit_is_picked() {
        let sizes = [
            size("small", 160, 160, 10_000),
            size("big", 640, 640, 90_000),
            size("huge", 2560, 2560, 30_000_000),
        ];
        assert_eq!(
            largest_within(&sizes, MAX_UPLOAD_BYTES).unwrap().file.id.0,
            "big"
        );
        assert_eq!(largest_within(&sizes, 50_000).unwrap().file.id.0, "small");
        assert!(largest_within(&sizes, 100).is_none());
        assert!(largest_within(&[], MAX_UPLOAD_BYTES).is_none());
        let unsaid = [
            size("small", 160, 160, 10),
            size("unsaid", 640, 640, u32::MAX),
        ];
        assert_eq!(largest_within(&unsaid, 100).unwrap().file.id.0, "unsaid");
    }

    #[tokio::test]
    async fn a_download_within_the_limit_is_gathered_whole() {
        let got = collect_bounded(chunks(vec![b"abc", b"", b"de"]), 5)
            .await
            .unwrap();
        assert_eq!(got, b"abcde");
    }

    #[tokio::test]
    async fn a_download_stops_at_the_first_chunk_past_the_limit() {
        let polled = std::sync::atomic::AtomicUsize::new(0);
        let counted = chunks(vec![b"abc", b"def", b"ghi"]).inspect(|_| {
            polled.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        });
        let got = collect_bounded(counted, 5).await;
        assert!(matches!(got, Err(DownloadError::TooLarge { max_bytes: 5 })));
        assert_eq!(
            polled.load(std::sync::atomic::Ordering::SeqCst),
            2,
            "the third never read"
        );
    }

    #[tokio::test]
    async fn a_failed_transfer_says_why() {
        let failing = futures::stream::iter([Ok(b"ab".as_slice()), Err("reset".to_string())]);
        let got = collect_bounded(failing, 10).await;
        assert!(matches!(got, Err(DownloadError::Transfer(why)) if why == "reset"));
    }

    #[tokio::test]
    async fn a_download_that_never_ends_times_out() {
        // An unreachable Bot API that accepts the connection and never answers.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let _held = tokio::spawn(async move {
            let mut open = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                open.push(socket);
            }
        });
        let bot = Bot::new("1:t").set_api_url(url.parse().unwrap());
        let limit = Duration::from_millis(200);
        let got = download_file(&bot, "photos/a.jpg", 10, limit).await;
        assert!(matches!(got, Err(DownloadError::TimedOut(d)) if d == limit));
    }

    #[test]
    fn a_size_telegram_did_not_give_is_not_taken_for_too_large() {
        assert!(!known_size_exceeds(u32::MAX, 10));
        assert!(known_size_exceeds(11, 10));
        assert!(!known_size_exceeds(10, 10));
    }
}
