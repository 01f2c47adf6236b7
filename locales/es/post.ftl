## The post sent after a carousel's album: its caption and hashtags, to paste into Instagram.

post-ready = 📋 <b>Tu publicación, lista para pegar.</b> Toca el bloque para copiarla.
post-copy-button = Copiar publicación
post-copy-hashtags-button = Copiar hashtags
post-alt-heading = Texto alternativo de cada diapositiva (Instagram: Configuración avanzada → Accesibilidad)
