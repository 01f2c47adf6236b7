## The Mini App API's refusals (shown by the editor).

miniapp-error-unauthorized = Ви не ввійшли: відкрийте редактор із повідомлення бота ще раз.
miniapp-error-forbidden = Ця чернетка належить іншому користувачеві.
miniapp-error-not-found = Тут нічого немає: можливо, чернетку видалено.
miniapp-error-stale = Чернетку змінили на іншому пристрої; завантажено останню версію.
miniapp-error-closed = Чернетку більше не можна змінити: її надіслано, скасовано або вона застаріла.
miniapp-error-invalid = Частина чернетки некоректна; перевірте виділене поле.
miniapp-error-too-large = Забагато за один раз.
miniapp-error-rate-limited = Забагато переглядів поспіль; наступний буде за мить.
miniapp-error-quota = Переписування на зараз закінчилися.
miniapp-error-one-at-a-time = По одній каруселі: дочекайтеся тієї, що малюється.
miniapp-error-busy = Бот зайнятий; спробуйте трохи згодом.
miniapp-error-unavailable = Бот зараз не може дістатися сховища; спробуйте трохи згодом.
miniapp-error-internal = У нас щось пішло не так; спробуйте ще раз.
miniapp-error-not-configured = Редактор у цьому боті не налаштовано.
miniapp-error-invalid-caption = Підпис задовгий: не більше { $max } символів.
miniapp-error-invalid-hashtags = У дописі від { $min } до { $max } хештегів; кожен — # і літери, цифри або підкреслення, не довше { $chars } символів.
miniapp-error-invalid-alt = Альтернативний текст задовгий: не більше { $max } символів.
miniapp-error-invalid-accent = Неправильний колір: використовуйте #abc або #aabbcc.
miniapp-error-invalid-brand-text = Не більше { $max } символів, без керівних символів.
miniapp-error-brand-stale = Фірмовий стиль змінено на іншому пристрої; завантажено останню версію.
