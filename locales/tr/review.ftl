## Review before render: the draft's message, its buttons, the /settings choice.

review-setting-on = 👀 Çizmeden önce gözden geçir
review-setting-off = ⚡ Hemen çiz
review-render-button = ✅ Oluştur
review-edit-button = ✏️ Düzenle
review-rewrite-button = 🔁 Yeniden yaz
review-style-button = 🎨 Stil
draft-caption = <b>Taslak: { $topic }</b> — { $slides ->
        [one] { $slides } slayt
       *[other] { $slides } slayt
    }
draft-help = Oluştur olduğu gibi çizer; Yeniden yaz baştan yazar; Stil görünümü değiştirir.
draft-help-editor = Oluştur olduğu gibi çizer; Düzenle herhangi bir slaytı değiştirmek için düzenleyiciyi açar; Yeniden yaz baştan yazar; Stil görünümü değiştirir.
draft-ready = 📝 <b>{ $topic }</b> taslağı hazır: aşağıda kontrol edin.
draft-expired = ⌛ <b>{ $topic }</b> taslağı çok uzun süre bekledi ve süresi doldu. Yeniden başlamak için <code>/carousel</code> gönderin.
draft-gone = Bu taslak artık açık değil: oluşturuldu, iptal edildi ya da süresi doldu.
draft-rewriting = Yeniden yazılıyor…
draft-pick-style = Taslak için bir stil seçin.
