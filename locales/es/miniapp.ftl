## The Mini App API's refusals (shown by the editor).

miniapp-error-unauthorized = No has iniciado sesión: vuelve a abrir el editor desde el mensaje del bot.
miniapp-error-forbidden = Este borrador pertenece a otra persona.
miniapp-error-not-found = Aquí no hay nada: quizá el borrador se eliminó.
miniapp-error-stale = El borrador se cambió en otro dispositivo; se cargó la última versión.
miniapp-error-closed = Este borrador ya no admite cambios: se envió, se canceló o caducó.
miniapp-error-invalid = Parte del borrador no es válida; revisa el campo marcado.
miniapp-error-too-large = Es demasiado de una vez.
miniapp-error-rate-limited = Demasiadas vistas previas seguidas; la siguiente llega en un momento.
miniapp-error-quota = Has usado tus reescrituras por ahora.
miniapp-error-one-at-a-time = Un carrusel a la vez: espera al que se está dibujando.
miniapp-error-busy = El bot está ocupado; inténtalo de nuevo en un momento.
miniapp-error-unavailable = El bot no puede llegar a su almacén ahora; inténtalo en un momento.
miniapp-error-internal = Algo salió mal de nuestro lado; inténtalo de nuevo.
miniapp-error-not-configured = El editor no está configurado en este bot.
miniapp-error-invalid-caption = El texto de la publicación es demasiado largo: como máximo { $max } caracteres.
miniapp-error-invalid-hashtags = Una publicación lleva de { $min } a { $max } hashtags, cada uno un # seguido de letras, dígitos o guiones bajos, de { $chars } caracteres como máximo.
miniapp-error-invalid-alt = Este texto alternativo es demasiado largo: como máximo { $max } caracteres.
miniapp-error-invalid-accent = El color no es válido: usa #abc o #aabbcc.
miniapp-error-invalid-brand-text = Como máximo { $max } caracteres, sin caracteres de control.
miniapp-error-brand-stale = Tu kit de marca se cambió en otro dispositivo; se cargó la última versión.
