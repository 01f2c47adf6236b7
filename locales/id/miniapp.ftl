## The Mini App API's refusals (shown by the editor).

miniapp-error-unauthorized = Anda belum masuk: buka lagi editor dari pesan bot.
miniapp-error-forbidden = Draf ini milik orang lain.
miniapp-error-not-found = Tidak ada apa-apa di sini: mungkin draf sudah dihapus.
miniapp-error-stale = Draf diubah di perangkat lain; versi terbaru sudah dimuat.
miniapp-error-closed = Draf ini tidak bisa diedit lagi: sudah dikirim, dibatalkan, atau kedaluwarsa.
miniapp-error-invalid = Sebagian draf tidak valid; periksa kolom yang ditandai.
miniapp-error-too-large = Terlalu banyak sekaligus.
miniapp-error-rate-limited = Terlalu banyak pratinjau beruntun; yang berikutnya sebentar lagi.
miniapp-error-quota = Jatah tulis ulang Anda untuk saat ini sudah habis.
miniapp-error-one-at-a-time = Satu carousel dalam satu waktu: tunggu yang sedang digambar.
miniapp-error-busy = Bot sedang sibuk; coba lagi sebentar lagi.
miniapp-error-unavailable = Bot tidak bisa menjangkau penyimpanannya sekarang; coba lagi sebentar lagi.
miniapp-error-internal = Ada yang salah di pihak kami; coba lagi.
miniapp-error-not-configured = Editor belum disiapkan di bot ini.
miniapp-error-invalid-caption = Keterangan terlalu panjang: paling banyak { $max } karakter.
miniapp-error-invalid-hashtags = Sebuah postingan memuat { $min } sampai { $max } tagar, masing-masing # diikuti huruf, angka, atau garis bawah, paling panjang { $chars } karakter.
miniapp-error-invalid-alt = Teks alternatif ini terlalu panjang: paling banyak { $max } karakter.
miniapp-error-invalid-accent = Warna tidak valid: gunakan #abc atau #aabbcc.
miniapp-error-invalid-brand-text = Paling banyak { $max } karakter, tanpa karakter kontrol.
miniapp-error-brand-stale = Kit merek Anda diubah di perangkat lain; versi terbaru telah dimuat.
