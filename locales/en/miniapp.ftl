## The Mini App API's refusals (shown by the editor).

miniapp-error-unauthorized = You are not signed in: open the editor from the bot's message again.
miniapp-error-forbidden = This draft belongs to someone else.
miniapp-error-not-found = Nothing here: the draft may have been deleted.
miniapp-error-stale = The draft was changed on another device; the latest version is loaded.
miniapp-error-closed = This draft is no longer open for edits: it was sent, cancelled or has expired.
miniapp-error-invalid = Some of the draft is not valid; check the highlighted field.
miniapp-error-too-large = That is too much at once.
miniapp-error-rate-limited = Too many previews at once; the next one comes in a moment.
miniapp-error-quota = You have used your rewrites for now.
miniapp-error-one-at-a-time = One carousel at a time: wait for the one being drawn.
miniapp-error-busy = The bot is busy; try again in a moment.
miniapp-error-unavailable = The bot cannot reach its store just now; try again in a moment.
miniapp-error-internal = Something went wrong on our side; try again.
miniapp-error-not-configured = The editor is not set up on this bot.
miniapp-error-invalid-caption = The caption is too long: at most { $max } characters.
miniapp-error-invalid-hashtags = A post takes { $min } to { $max } hashtags, each a # followed by letters, digits or underscores, at most { $chars } characters long.
miniapp-error-invalid-alt = This alt text is too long: at most { $max } characters.
miniapp-error-invalid-accent = The colour is not valid: use #abc or #aabbcc.
miniapp-error-invalid-brand-text = At most { $max } characters, with no control characters.
miniapp-error-brand-stale = Your brand kit was changed on another device; the latest version is loaded.
