# The brand kit in the chat (/brand).
command-brand = Your brand kit: handle, name, photo, colour and fonts on your slides.
brand-view =
    🎨 <b>Your brand kit</b>
    Handle: { $handle }
    Name: { $name }
    Accent: { $accent }
    Fonts: { $fonts }
    Avatar: { $avatar }
    Logo: { $logo }

    Type <code>/brand handle @you</code>, <code>/brand name Your Name</code>, <code>/brand accent #ff8800</code> or <code>/brand fonts soft</code>, or use the buttons.
brand-has = yes
brand-has-not = none
brand-accent-style = Style's own colours
brand-button-edit = ✏️ Edit in the app
brand-button-photo = 🖼 Use my Telegram photo
brand-button-clear-avatar = Remove avatar
brand-button-clear-logo = Remove logo
brand-fonts-modern = Modern
brand-fonts-soft = Soft
brand-fonts-strong = Strong
brand-unavailable = Brand kits are not available on this bot just now.
brand-private-only = Your brand kit is set up in our private chat: open it and send /brand.
brand-photo-none = I cannot see a profile photo of yours: you may have none, or hide it from bots in your privacy settings.
brand-photo-failed = I could not fetch your photo just now; try again in a moment.
brand-invalid-accent = That is not a colour: use #abc or #aabbcc, or none.
brand-invalid-fonts = Fonts are modern, soft or strong.
brand-invalid-text = At most { $max } characters, with no control characters.
brand-image-too-large = That file is over 20 MB, more than Telegram lets a bot download.
brand-image-not-an-image = That is not an image: send a JPEG, PNG, WebP or GIF.
brand-image-animated = Animated images cannot be used: send a still one.
brand-image-too-many-pixels = That image is too large: at most 8000 pixels a side and 40 megapixels.
brand-image-unreadable = That image cannot be read: it may be damaged.
brand-image-unfittable = That image cannot be made small enough to keep; try another one.
brand-button-upload-avatar = 📷 Upload avatar
brand-button-upload-logo = 🏷 Upload logo
brand-upload-avatar-now = Send the picture for your avatar now, as a photo or a file (at most 20 MB).
brand-upload-logo-now = Send your logo now, best as a PNG file with a transparent background (at most 20 MB).
brand-upload-hint = To use a picture on your slides, open /brand and press “Upload avatar” or “Upload logo” first.
brand-upload-avatar-saved = ✅ Your new avatar is on your slides.
brand-upload-logo-saved = ✅ Your logo is on your slides.
