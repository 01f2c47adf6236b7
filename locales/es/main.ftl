# Español.

## El menú de comandos y /help

command-start = Empezar: un saludo, y quedas registrado.
command-help = La lista de comandos.
command-carousel = Crear un carrusel: /carousel <tema>.
command-wisdom = Una breve sabiduría del día.
command-myid = Tu id de Telegram y el id de este chat.
command-ask = Hacer una pregunta: /ask <pregunta>.
command-history = Tus carruseles recientes, listos para crearlos de nuevo.
command-settings = Estilo, número de diapositivas, tamaño, idioma, fotos o archivos.
command-cancel = Cancelar el carrusel en curso.
help-header = <b>Lo que sé hacer</b>
start-greeting = ¡Hola, { $name }! Creo carruseles para Instagram: envía <code>/carousel tema</code> y recibe las diapositivas.
myid =
    Tu id: <code>{ $user }</code>
    Id del chat: <code>{ $chat }</code>
hint = Para crear un carrusel, envía <code>/carousel tema</code>, por ejemplo <code>/carousel Fe y duda</code>. Todos los comandos: /help

## /carousel

carousel-usage =
    Escribe el tema después del comando, por ejemplo:
    <code>/carousel Fe y duda</code>
topic-undrawable = No puedo dibujar { $missing } de los { $total } caracteres de ese tema: las diapositivas mostrarían cuadros vacíos en lugar de tus palabras. Escribe el tema con otra escritura, por favor.
topic-too-long = Ese tema tiene { $chars } { $chars ->
        [one] carácter
       *[other] caracteres
    }; por favor, que no pase de { $max }. Un tema breve y claro da mejores diapositivas.
pick-style =
    Tema: <b>{ $topic }</b>
    Elige un estilo:
style-galaxy = 🌌 Galaxia
style-vibrant = 🎨 Vibrante
style-minimal = ⚪ Minimalista
cancel-button = ✖ Cancelar
pdf-button = 📄 PDF
one-at-a-time = Un carrusel a la vez, por favor: el actual todavía se está creando. Envía /cancel para detenerlo.
stale-button = Este botón ya no es válido. Empieza de nuevo con /carousel.
not-your-request = Esta solicitud es de otra persona; envía tu propio /carousel.
already-started = Ya estoy en ello.
starting = Empezando…

## El mensaje de estado de un carrusel

writing =
    <b>{ $topic }</b>
    ✍️ Escribiendo las diapositivas…
rendering =
    <b>{ $topic }</b>
    🎨 Dibujando { $done }/{ $total }…
sending =
    <b>{ $topic }</b>
    📤 Enviando…
done =
    <b>{ $topic }</b>
    ✅ Listo: { $slides } { $slides ->
        [one] diapositiva
       *[other] diapositivas
    }. El PDF está a un toque.
offline-note =
    Escrito en modo sin conexión, en { $language ->
        [ru] ruso
       *[en] inglés
    }; tu tema se conserva tal como lo escribiste.
failed =
    <b>{ $topic }</b>
    ⚠️ Lo sentimos, no se pudo crear este carrusel: { $reason }
    Inténtalo de nuevo más tarde.
timed-out = tardó demasiado
telegram-refused = Telegram no aceptó las imágenes
step-failed-writing = no se pudo escribir el texto
step-failed-rendering = no se pudieron dibujar las diapositivas
step-failed-sending = no se pudieron enviar las diapositivas
internal-error = algo salió mal por nuestra parte
cancelled =
    <b>{ $topic }</b>
    ✖ Cancelado.
cancel-accepted = Cancelando: el carrusel se detendrá después del paso actual.
nothing-to-cancel = No hay nada que cancelar: no se está creando ningún carrusel.

## /ask y /history

ask-usage =
    Pregunta después del comando, por ejemplo:
    <code>/ask ¿Qué es la gracia?</code>
question-too-long = Esa pregunta tiene { $chars } { $chars ->
        [one] carácter
       *[other] caracteres
    }; por favor, que no pase de { $max }.
history-empty = Aún no hay carruseles. Crea el primero: <code>/carousel tema</code>
history-header = <b>Tus carruseles recientes</b>: toca uno para crearlo de nuevo:

## /settings

settings =
    <b>Ajustes</b>
    Estilo: { $style }
    Diapositivas: { $slides }
    Tamaño: { $size }
    Idioma: { $language }
    Idioma de las diapositivas: { $content }
    Envío: { $delivery }
    En las diapositivas: { $handle }

    Toca para cambiar:
handle-username = tu @usuario (o, si no tienes, tu nombre)
handle-name = tu nombre
handle-none = sin nombre
content-auto = el del propio tema
content-interface = el mismo de la interfaz
content-auto-button = 🔎 Idioma del tema
content-interface-button = 💬 Como la interfaz
not-your-settings = Estos ajustes son de otra persona; envía /settings para ver los tuyos.
saved = Guardado.

## Negativas y límites

unavailable = Lo sentimos, algo salió mal por nuestra parte. Inténtalo de nuevo en un minuto.
slow-down = Envías mensajes más rápido de lo que puedo responder. Ve más despacio, por favor: los mensajes del próximo minuto podrían quedarse sin respuesta.
quota-ask = preguntas (/ask)
quota-wisdom = sabidurías (/wisdom)
quota-carousel = carruseles
quota-pdf = PDF
quota-day-used = Ya usaste todo tu límite de { $subject } de hoy: { $per_day } al día. Mañana habrá más (el día cambia a las 00:00 UTC).
quota-minute-used = Alcanzaste el límite de { $subject } por minuto (como máximo { $per_minute }). Inténtalo de nuevo en un minuto.
busy = Ahora mismo estoy muy ocupado. Inténtalo de nuevo en un minuto.
not-allowed = Lo sentimos, este bot es privado y solo atiende a sus miembros.
limits-help =
    <b>Uso justo</b>
    Por persona: { $carousels } { $carousels ->
        [one] carrusel
       *[other] carruseles
    } al día (como máximo { $carousels_per_minute } por minuto), { $questions } { $questions ->
        [one] pregunta
       *[other] preguntas
    } (/ask) y { $wisdoms } { $wisdoms ->
        [one] sabiduría
       *[other] sabidurías
    } al día, { $pdfs } PDF al día. Los mensajes más rápidos que unos { $messages } por minuto se quedan sin respuesta durante un rato. Cuando mucha gente usa el bot a la vez, puede que te pida intentarlo de nuevo en un minuto.
