## The post sent after a carousel's album: its caption and hashtags, to paste into Instagram.

post-ready = 📋 <b>Sua publicação, pronta para colar.</b> Toque no bloco para copiá-la.
post-copy-button = Copiar publicação
post-copy-hashtags-button = Copiar hashtags
post-alt-heading = Texto alternativo de cada slide (Instagram: Configurações avançadas → Acessibilidade)
