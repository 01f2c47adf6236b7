## The post sent after a carousel's album: its caption and hashtags, to paste into Instagram.

post-ready = 📋 <b>Ваш пост — готов к вставке.</b> Нажмите на блок, чтобы скопировать его.
post-copy-button = Скопировать пост
post-copy-hashtags-button = Скопировать хэштеги
post-alt-heading = Альтернативный текст для каждого слайда (Instagram: Расширенные настройки → Доступность)
