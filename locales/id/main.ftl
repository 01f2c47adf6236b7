# Bahasa Indonesia. Kata benda tidak berubah setelah angka, jadi tidak perlu bentuk jamak.

## Menu perintah dan /help

command-start = Mulai: sapaan, dan kamu terdaftar.
command-help = Daftar perintah.
command-carousel = Buat carousel: /carousel <topik>.
command-wisdom = Hikmah singkat hari ini.
command-myid = ID Telegram kamu dan ID obrolan ini.
command-ask = Ajukan pertanyaan: /ask <pertanyaan>.
command-history = Carousel terbarumu, masing-masing siap dibuat lagi.
command-settings = Gaya, jumlah slide, ukuran, bahasa, foto atau file.
command-cancel = Batalkan carousel yang sedang dibuat.
help-header = <b>Yang bisa saya lakukan</b>
start-greeting = Hai, { $name }! Saya membuat carousel Instagram: kirim <code>/carousel topik</code> dan terima slide-nya.
myid =
    ID kamu: <code>{ $user }</code>
    ID obrolan: <code>{ $chat }</code>
hint = Untuk membuat carousel, kirim <code>/carousel topik</code>, misalnya <code>/carousel Iman dan keraguan</code>. Semua perintah: /help

## /carousel

carousel-usage =
    Tulis topiknya setelah perintah, misalnya:
    <code>/carousel Iman dan keraguan</code>
topic-undrawable = Saya tidak bisa menggambar { $missing } dari { $total } karakter topik itu: slide akan menampilkan kotak kosong, bukan kata-kata Anda. Silakan tulis topiknya dengan aksara lain.
topic-too-long = Topik itu panjangnya { $chars } karakter; mohon maksimal { $max }. Topik yang singkat dan jelas menghasilkan slide yang lebih baik.
pick-style =
    Topik: <b>{ $topic }</b>
    Pilih gaya:
style-galaxy = 🌌 Galaksi
style-vibrant = 🎨 Cerah
style-minimal = ⚪ Minimalis
cancel-button = ✖ Batal
pdf-button = 📄 PDF
one-at-a-time = Satu carousel dulu, ya: yang sekarang masih dibuat. Kirim /cancel untuk menghentikannya.
stale-button = Tombol ini sudah tidak berlaku. Silakan mulai lagi dengan /carousel.
not-your-request = Permintaan ini milik orang lain; kirim /carousel milikmu sendiri.
already-started = Sedang saya kerjakan.
starting = Memulai…

## Pesan status carousel

writing =
    <b>{ $topic }</b>
    ✍️ Menulis slide…
rendering =
    <b>{ $topic }</b>
    🎨 Menggambar { $done }/{ $total }…
sending =
    <b>{ $topic }</b>
    📤 Mengirim…
done =
    <b>{ $topic }</b>
    ✅ Selesai: { $slides } slide. PDF-nya tinggal satu ketukan.
offline-note =
    Ditulis secara offline dalam bahasa { $language ->
        [ru] Rusia
       *[en] Inggris
    }; topikmu tetap seperti yang kamu tulis.
failed =
    <b>{ $topic }</b>
    ⚠️ Maaf, carousel ini tidak dapat dibuat: { $reason }
    Silakan coba lagi nanti.
timed-out = prosesnya terlalu lama
telegram-refused = Telegram tidak menerima gambarnya
step-failed-writing = teksnya tidak dapat ditulis
step-failed-rendering = slide-nya tidak dapat digambar
step-failed-sending = slide-nya tidak dapat dikirim
internal-error = ada yang salah di pihak kami
cancelled =
    <b>{ $topic }</b>
    ✖ Dibatalkan.
cancel-accepted = Membatalkan: carousel akan berhenti setelah langkah yang sedang berjalan.
nothing-to-cancel = Tidak ada yang perlu dibatalkan: tidak ada carousel yang sedang dibuat.

## /ask dan /history

ask-usage =
    Tulis pertanyaan setelah perintah, misalnya:
    <code>/ask Apa itu kasih karunia?</code>
question-too-long = Pertanyaan itu panjangnya { $chars } karakter; mohon maksimal { $max }.
history-empty = Belum ada carousel. Buat yang pertama: <code>/carousel topik</code>
history-header = <b>Carousel terbarumu</b> — ketuk salah satu untuk membuatnya lagi:

## /settings

settings =
    <b>Pengaturan</b>
    Gaya: { $style }
    Slide: { $slides }
    Ukuran: { $size }
    Bahasa: { $language }
    Bahasa slide: { $content }
    Pengiriman: { $delivery }
    Di slide: { $handle }

    Ketuk untuk mengubah:
handle-username = @username kamu (atau nama depanmu)
handle-name = nama depanmu
handle-none = tanpa nama
content-auto = sesuai bahasa topiknya
content-interface = sama dengan antarmuka
content-auto-button = 🔎 Bahasa topik
content-interface-button = 💬 Sama dengan antarmuka
not-your-settings = Pengaturan ini milik orang lain; kirim /settings untuk membuka milikmu.
saved = Tersimpan.

## Penolakan dan batas

unavailable = Maaf, ada yang salah di pihak kami. Silakan coba lagi dalam satu menit.
slow-down = Kamu mengirim pesan lebih cepat daripada yang bisa saya jawab. Pelan-pelan, ya: pesan dalam satu menit ke depan mungkin tidak dijawab.
quota-ask = pertanyaan (/ask)
quota-wisdom = hikmah (/wisdom)
quota-carousel = carousel
quota-pdf = PDF
quota-day-used = Jatah { $subject } untuk hari ini sudah habis: { $per_day } per hari. Besok bisa lagi (hari berganti pukul 00:00 UTC).
quota-minute-used = Terlalu banyak { $subject } dalam satu menit (maksimal { $per_minute }). Coba lagi dalam satu menit.
busy = Saya sedang sangat sibuk. Silakan coba lagi dalam satu menit.
not-allowed = Maaf, bot ini privat dan hanya melayani anggotanya.
limits-help =
    <b>Penggunaan wajar</b>
    Per orang: { $carousels } carousel per hari (maksimal { $carousels_per_minute } per menit), { $questions } pertanyaan (/ask) dan { $wisdoms } hikmah per hari, { $pdfs } PDF per hari. Pesan yang lebih cepat dari sekitar { $messages } per menit tidak dijawab untuk sementara. Saat banyak orang memakai bot bersamaan, kamu mungkin diminta mencoba lagi dalam satu menit.
