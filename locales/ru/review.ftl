## Review before render: the draft's message, its buttons, the /settings choice.

review-setting-on = 👀 Проверять перед отрисовкой
review-setting-off = ⚡ Рисовать сразу
review-render-button = ✅ Нарисовать
review-edit-button = ✏️ Изменить
review-rewrite-button = 🔁 Переписать
review-style-button = 🎨 Стиль
draft-caption = <b>Черновик: { $topic }</b> — { $slides ->
        [one] { $slides } слайд
        [few] { $slides } слайда
        [many] { $slides } слайдов
       *[other] { $slides } слайда
    }
draft-help = «Нарисовать» — как есть; «Переписать» — написать заново; «Стиль» — сменить оформление.
draft-help-editor = «Нарисовать» — как есть; «Изменить» открывает редактор любого слайда; «Переписать» — написать заново; «Стиль» — сменить оформление.
draft-ready = 📝 Черновик <b>{ $topic }</b> готов: проверьте его ниже.
draft-expired = ⌛ Черновик <b>{ $topic }</b> ждал слишком долго и устарел. Отправьте <code>/carousel</code>, чтобы начать заново.
draft-gone = Этот черновик уже закрыт: он нарисован, отменён или устарел.
draft-rewriting = Пишу заново…
draft-pick-style = Выберите стиль для черновика.
