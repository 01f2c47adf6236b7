## The post sent after a carousel's album: its caption and hashtags, to paste into Instagram.

post-ready = 📋 <b>Your post, ready to paste.</b> Tap the block to copy it.
post-copy-button = Copy post
post-copy-hashtags-button = Copy hashtags
post-alt-heading = Alt text for each slide (Instagram: Advanced settings → Accessibility)
