## The Mini App API's refusals (shown by the editor).

miniapp-error-unauthorized = Вы не вошли: откройте редактор из сообщения бота ещё раз.
miniapp-error-forbidden = Этот черновик принадлежит другому пользователю.
miniapp-error-not-found = Здесь ничего нет: возможно, черновик удалён.
miniapp-error-stale = Черновик изменили на другом устройстве; загружена последняя версия.
miniapp-error-closed = Черновик больше нельзя изменить: он отправлен, отменён или устарел.
miniapp-error-invalid = Часть черновика некорректна; проверьте выделенное поле.
miniapp-error-too-large = Слишком много за один раз.
miniapp-error-rate-limited = Слишком много предпросмотров подряд; следующий будет через мгновение.
miniapp-error-quota = Переписывания на сейчас закончились.
miniapp-error-one-at-a-time = По одной карусели: дождитесь той, что рисуется.
miniapp-error-busy = Бот занят; попробуйте чуть позже.
miniapp-error-unavailable = Бот сейчас не может достучаться до хранилища; попробуйте чуть позже.
miniapp-error-internal = У нас что-то пошло не так; попробуйте ещё раз.
miniapp-error-not-configured = Редактор в этом боте не настроен.
miniapp-error-invalid-caption = Подпись слишком длинная: не больше { $max } символов.
miniapp-error-invalid-hashtags = В посте от { $min } до { $max } хэштегов; каждый — # и буквы, цифры или подчёркивания, не длиннее { $chars } символов.
miniapp-error-invalid-alt = Альтернативный текст слишком длинный: не больше { $max } символов.
miniapp-error-invalid-accent = Неверный цвет: используйте #abc или #aabbcc.
miniapp-error-invalid-brand-text = Не больше { $max } символов, без управляющих символов.
miniapp-error-brand-stale = Фирменный стиль изменён на другом устройстве; загружена последняя версия.
