## Review before render: the draft's message, its buttons, the /settings choice.

review-setting-on = 👀 Review before drawing
review-setting-off = ⚡ Draw at once
review-render-button = ✅ Render
review-edit-button = ✏️ Edit
review-rewrite-button = 🔁 Rewrite
review-style-button = 🎨 Style
draft-caption = <b>Draft: { $topic }</b> — { $slides ->
        [one] { $slides } slide
       *[other] { $slides } slides
    }
draft-help = Render draws it as it is; Rewrite writes it again; Style changes the look.
draft-help-editor = Render draws it as it is; Edit opens the editor to change any slide; Rewrite writes it again; Style changes the look.
draft-ready = 📝 The draft of <b>{ $topic }</b> is ready: check it below.
draft-expired = ⌛ The draft of <b>{ $topic }</b> waited too long and has expired. Send <code>/carousel</code> to start again.
draft-gone = This draft is no longer open: it was rendered, cancelled or has expired.
draft-rewriting = Writing it again…
draft-pick-style = Pick a style for the draft.
