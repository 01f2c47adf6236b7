## Review before render: the draft's message, its buttons, the /settings choice.

review-setting-on = 👀 Tinjau sebelum digambar
review-setting-off = ⚡ Langsung gambar
review-render-button = ✅ Render
review-edit-button = ✏️ Edit
review-rewrite-button = 🔁 Tulis ulang
review-style-button = 🎨 Gaya
draft-caption = <b>Draf: { $topic }</b> — { $slides ->
       *[other] { $slides } slide
    }
draft-help = Render menggambarnya apa adanya; Tulis ulang menulisnya lagi; Gaya mengubah tampilan.
draft-help-editor = Render menggambarnya apa adanya; Edit membuka editor untuk mengubah slide mana pun; Tulis ulang menulisnya lagi; Gaya mengubah tampilan.
draft-ready = 📝 Draf <b>{ $topic }</b> sudah siap: periksa di bawah.
draft-expired = ⌛ Draf <b>{ $topic }</b> menunggu terlalu lama dan sudah kedaluwarsa. Kirim <code>/carousel</code> untuk mulai lagi.
draft-gone = Draf ini sudah tidak terbuka: sudah dirender, dibatalkan, atau kedaluwarsa.
draft-rewriting = Menulis ulang…
draft-pick-style = Pilih gaya untuk draf ini.
