# Türkçe. Sayılardan sonra isim tekil kalır, bu yüzden çoğul seçici gerekmez.

## Komut menüsü ve /help

command-start = Başla: bir selam, ve kaydın yapılır.
command-help = Komutların listesi.
command-carousel = Karusel yap: /carousel <konu>.
command-wisdom = Günün kısa hikmeti.
command-myid = Telegram kimliğin ve bu sohbetin kimliği.
command-ask = Soru sor: /ask <soru>.
command-history = Son karusellerin; her biri yeniden yapılmaya hazır.
command-settings = Stil, slayt sayısı, boyut, dil, fotoğraf ya da dosya.
command-cancel = Hazırlanan karuselini iptal et.
help-header = <b>Neler yapabilirim</b>
start-greeting = Merhaba { $name }! Instagram karuselleri hazırlıyorum: <code>/carousel konu</code> gönder, slaytları al.
myid =
    Kimliğin: <code>{ $user }</code>
    Sohbet kimliği: <code>{ $chat }</code>
hint = Karusel yapmak için <code>/carousel konu</code> gönder, örneğin <code>/carousel İman ve şüphe</code>. Tüm komutlar: /help

## /carousel

carousel-usage =
    Konuyu komuttan sonra yaz, örneğin:
    <code>/carousel İman ve şüphe</code>
topic-undrawable = Bu konudaki { $total } karakterin { $missing } tanesini çizemiyorum: slaytlarda sözleriniz yerine boş kutular görünürdü. Lütfen konuyu başka bir yazıyla yazın.
topic-too-long = Bu konu { $chars } karakter uzunluğunda; lütfen { $max } karakteri geçmesin. Kısa ve net bir konu daha iyi slaytlar çıkarır.
pick-style =
    Konu: <b>{ $topic }</b>
    Bir stil seç:
style-galaxy = 🌌 Galaksi
style-vibrant = 🎨 Canlı
style-minimal = ⚪ Minimal
cancel-button = ✖ İptal
pdf-button = 📄 PDF
one-at-a-time = Lütfen aynı anda tek karusel: şu anki hâlâ hazırlanıyor. Durdurmak için /cancel gönder.
stale-button = Bu düğme artık geçerli değil. Lütfen /carousel ile yeniden başla.
not-your-request = Bu istek başkasına ait; kendi /carousel komutunu gönder.
already-started = Zaten üzerinde çalışıyorum.
starting = Başlıyorum…

## Karuselin durum mesajı

writing =
    <b>{ $topic }</b>
    ✍️ Slaytlar yazılıyor…
rendering =
    <b>{ $topic }</b>
    🎨 Çiziliyor: { $done }/{ $total }…
sending =
    <b>{ $topic }</b>
    📤 Gönderiliyor…
done =
    <b>{ $topic }</b>
    ✅ Hazır: { $slides } slayt. PDF bir dokunuş uzağında.
offline-note =
    Çevrimdışı olarak { $language ->
        [ru] Rusça
       *[en] İngilizce
    } yazıldı; konun yazdığın gibi korundu.
failed =
    <b>{ $topic }</b>
    ⚠️ Üzgünüz, bu karusel hazırlanamadı: { $reason }
    Lütfen daha sonra tekrar dene.
timed-out = çok uzun sürdü
telegram-refused = Telegram görselleri kabul etmedi
step-failed-writing = metin yazılamadı
step-failed-rendering = slaytlar çizilemedi
step-failed-sending = slaytlar gönderilemedi
internal-error = bizim tarafımızda bir şeyler ters gitti
cancelled =
    <b>{ $topic }</b>
    ✖ İptal edildi.
cancel-accepted = İptal ediliyor: karusel mevcut adımdan sonra duracak.
nothing-to-cancel = İptal edilecek bir şey yok: şu anda hazırlanan bir karusel yok.

## /ask ve /history

ask-usage =
    Sorunu komuttan sonra yaz, örneğin:
    <code>/ask Lütuf nedir?</code>
question-too-long = Bu soru { $chars } karakter uzunluğunda; lütfen { $max } karakteri geçmesin.
history-empty = Henüz karusel yok. İlkini yap: <code>/carousel konu</code>
history-header = <b>Son karusellerin</b> — yeniden yapmak için birine dokun:

## /settings

settings =
    <b>Ayarlar</b>
    Stil: { $style }
    Slayt: { $slides }
    Boyut: { $size }
    Dil: { $language }
    Slaytların dili: { $content }
    Gönderim: { $delivery }
    Slaytlarda: { $handle }

    Değiştirmek için dokun:
handle-username = @kullanıcı adın (yoksa adın)
handle-name = adın
handle-none = isim yok
content-auto = konunun kendi dili
content-interface = arayüzle aynı
content-auto-button = 🔎 Konunun dili
content-interface-button = 💬 Arayüzle aynı
not-your-settings = Bu ayarlar başkasına ait; kendi ayarların için /settings gönder.
saved = Kaydedildi.

## Retler ve sınırlar

unavailable = Üzgünüz, bizim tarafımızda bir şeyler ters gitti. Lütfen bir dakika sonra tekrar dene.
slow-down = Cevap verebileceğimden hızlı mesaj gönderiyorsun. Lütfen yavaşla: önümüzdeki bir dakika içinde gönderilen mesajlar cevapsız kalabilir.
quota-ask = soru (/ask)
quota-wisdom = hikmet (/wisdom)
quota-carousel = karusel
quota-pdf = PDF
quota-day-used = Bugünlük { $subject } hakkın doldu: günde { $per_day }. Yarın yine var (gün 00:00 UTC'de değişir).
quota-minute-used = Bir dakikada çok fazla { $subject } isteği (en fazla { $per_minute }). Bir dakika sonra tekrar dene.
busy = Şu anda çok yoğunum. Lütfen bir dakika sonra tekrar dene.
not-allowed = Üzgünüz, bu bot özel ve yalnızca üyelerine hizmet veriyor.
limits-help =
    <b>Adil kullanım</b>
    Kişi başına: günde { $carousels } karusel (dakikada en fazla { $carousels_per_minute }), günde { $questions } soru (/ask) ve { $wisdoms } hikmet, günde { $pdfs } PDF. Dakikada yaklaşık { $messages } mesajdan hızlı yazarsan mesajların bir süre cevapsız kalır. Bot aynı anda çok kişi tarafından kullanıldığında bir dakika sonra tekrar denemen istenebilir.
