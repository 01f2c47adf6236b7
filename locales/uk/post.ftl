## The post sent after a carousel's album: its caption and hashtags, to paste into Instagram.

post-ready = 📋 <b>Ваш допис — готовий до вставлення.</b> Торкніться блоку, щоб скопіювати його.
post-copy-button = Скопіювати допис
post-copy-hashtags-button = Скопіювати хештеги
post-alt-heading = Альтернативний текст для кожного слайда (Instagram: Розширені налаштування → Спеціальні можливості)
