## The post sent after a carousel's album: its caption and hashtags, to paste into Instagram.

post-ready = 📋 <b>Postingan Anda, siap ditempel.</b> Ketuk bloknya untuk menyalin.
post-copy-button = Salin postingan
post-copy-hashtags-button = Salin tagar
post-alt-heading = Teks alternatif untuk setiap slide (Instagram: Pengaturan lanjutan → Aksesibilitas)
