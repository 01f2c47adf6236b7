## The post sent after a carousel's album: its caption and hashtags, to paste into Instagram.

post-ready = 📋 <b>Gönderin yapıştırmaya hazır.</b> Kopyalamak için bloğa dokun.
post-copy-button = Gönderiyi kopyala
post-copy-hashtags-button = Etiketleri kopyala
post-alt-heading = Her slayt için alternatif metin (Instagram: Gelişmiş ayarlar → Erişilebilirlik)
