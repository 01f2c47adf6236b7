# The brand kit in the chat (/brand).
command-brand = Kit merek Anda: handle, nama, foto, warna, dan font di slide Anda.
brand-view =
    🎨 <b>Kit merek Anda</b>
    Handle: { $handle }
    Nama: { $name }
    Aksen: { $accent }
    Font: { $fonts }
    Avatar: { $avatar }
    Logo: { $logo }

    Ketik <code>/brand handle @anda</code>, <code>/brand name Nama Anda</code>, <code>/brand accent #ff8800</code> atau <code>/brand fonts soft</code>, atau pakai tombol.
brand-has = ada
brand-has-not = tidak ada
brand-accent-style = Warna gaya
brand-button-edit = ✏️ Edit di aplikasi
brand-button-photo = 🖼 Pakai foto Telegram saya
brand-button-clear-avatar = Hapus avatar
brand-button-clear-logo = Hapus logo
brand-fonts-modern = Modern
brand-fonts-soft = Lembut
brand-fonts-strong = Tegas
brand-unavailable = Kit merek sedang tidak tersedia di bot ini.
brand-private-only = Kit merek Anda diatur di obrolan pribadi kita: buka dan kirim /brand.
brand-photo-none = Saya tidak bisa melihat foto profil Anda: mungkin tidak ada, atau disembunyikan dari bot di pengaturan privasi.
brand-photo-failed = Saya tidak bisa mengambil foto Anda sekarang; coba lagi sebentar lagi.
brand-invalid-accent = Itu bukan warna: gunakan #abc atau #aabbcc, atau none.
brand-invalid-fonts = Font: modern, soft, atau strong.
brand-invalid-text = Paling banyak { $max } karakter, tanpa karakter kontrol.
brand-image-too-large = File itu lebih dari 20 MB, melebihi yang diizinkan Telegram untuk diunduh bot.
brand-image-not-an-image = Itu bukan gambar: kirim JPEG, PNG, WebP, atau GIF.
brand-image-animated = Gambar animasi tidak bisa dipakai: kirim gambar diam.
brand-image-too-many-pixels = Gambar itu terlalu besar: paling banyak 8000 piksel per sisi dan 40 megapiksel.
brand-image-unreadable = Gambar itu tidak bisa dibaca: mungkin rusak.
brand-image-unfittable = Gambar itu tidak bisa diperkecil secukupnya; coba yang lain.
brand-button-upload-avatar = 📷 Unggah avatar
brand-button-upload-logo = 🏷 Unggah logo
brand-upload-avatar-now = Kirim gambar untuk avatar Anda sekarang, sebagai foto atau file (paling besar 20 MB).
brand-upload-logo-now = Kirim logo Anda sekarang, sebaiknya file PNG berlatar transparan (paling besar 20 MB).
brand-upload-hint = Untuk memakai gambar di slide Anda, buka /brand lalu tekan “Unggah avatar” atau “Unggah logo” lebih dulu.
brand-upload-avatar-saved = ✅ Avatar baru Anda kini ada di slide Anda.
brand-upload-logo-saved = ✅ Logo Anda kini ada di slide Anda.
