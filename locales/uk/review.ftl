## Review before render: the draft's message, its buttons, the /settings choice.

review-setting-on = 👀 Перевіряти перед малюванням
review-setting-off = ⚡ Малювати одразу
review-render-button = ✅ Намалювати
review-edit-button = ✏️ Змінити
review-rewrite-button = 🔁 Переписати
review-style-button = 🎨 Стиль
draft-caption = <b>Чернетка: { $topic }</b> — { $slides ->
        [one] { $slides } слайд
        [few] { $slides } слайди
        [many] { $slides } слайдів
       *[other] { $slides } слайда
    }
draft-help = «Намалювати» — як є; «Переписати» — написати наново; «Стиль» — змінити оформлення.
draft-help-editor = «Намалювати» — як є; «Змінити» відкриває редактор будь-якого слайда; «Переписати» — написати наново; «Стиль» — змінити оформлення.
draft-ready = 📝 Чернетка <b>{ $topic }</b> готова: перевірте її нижче.
draft-expired = ⌛ Чернетка <b>{ $topic }</b> чекала надто довго й застаріла. Надішліть <code>/carousel</code>, щоб почати знову.
draft-gone = Ця чернетка вже закрита: її намальовано, скасовано або вона застаріла.
draft-rewriting = Пишу наново…
draft-pick-style = Оберіть стиль для чернетки.
