## The Mini App API's refusals (shown by the editor).

miniapp-error-unauthorized = Oturum açmadınız: düzenleyiciyi botun mesajından yeniden açın.
miniapp-error-forbidden = Bu taslak başka birine ait.
miniapp-error-not-found = Burada bir şey yok: taslak silinmiş olabilir.
miniapp-error-stale = Taslak başka bir cihazda değişti; son sürüm yüklendi.
miniapp-error-closed = Bu taslak artık düzenlenemez: gönderildi, iptal edildi ya da süresi doldu.
miniapp-error-invalid = Taslağın bir kısmı geçersiz; işaretli alanı kontrol edin.
miniapp-error-too-large = Bir seferde çok fazla.
miniapp-error-rate-limited = Art arda çok fazla önizleme; sıradaki birazdan gelir.
miniapp-error-quota = Şimdilik yeniden yazma hakkınız bitti.
miniapp-error-one-at-a-time = Aynı anda bir karusel: çizilmekte olanı bekleyin.
miniapp-error-busy = Bot meşgul; birazdan yeniden deneyin.
miniapp-error-unavailable = Bot şu an deposuna ulaşamıyor; birazdan yeniden deneyin.
miniapp-error-internal = Bizim tarafta bir sorun çıktı; yeniden deneyin.
miniapp-error-not-configured = Bu botta düzenleyici kurulmamış.
miniapp-error-invalid-caption = Açıklama çok uzun: en fazla { $max } karakter.
miniapp-error-invalid-hashtags = Bir gönderide { $min } ile { $max } arasında etiket olur; her biri # ve ardından harf, rakam ya da alt çizgi, en fazla { $chars } karakter.
miniapp-error-invalid-alt = Bu alternatif metin çok uzun: en fazla { $max } karakter.
miniapp-error-invalid-accent = Renk geçerli değil: #abc veya #aabbcc kullanın.
miniapp-error-invalid-brand-text = En fazla { $max } karakter, kontrol karakteri olmadan.
miniapp-error-brand-stale = Marka kitiniz başka bir cihazda değiştirildi; en son sürüm yüklendi.
