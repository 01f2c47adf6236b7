## Review before render: the draft's message, its buttons, the /settings choice.

review-setting-on = 👀 Revisar antes de dibujar
review-setting-off = ⚡ Dibujar al momento
review-render-button = ✅ Renderizar
review-edit-button = ✏️ Editar
review-rewrite-button = 🔁 Reescribir
review-style-button = 🎨 Estilo
draft-caption = <b>Borrador: { $topic }</b> — { $slides ->
        [one] { $slides } diapositiva
       *[other] { $slides } diapositivas
    }
draft-help = Renderizar lo dibuja tal cual; Reescribir lo escribe de nuevo; Estilo cambia el aspecto.
draft-help-editor = Renderizar lo dibuja tal cual; Editar abre el editor para cambiar cualquier diapositiva; Reescribir lo escribe de nuevo; Estilo cambia el aspecto.
draft-ready = 📝 El borrador de <b>{ $topic }</b> está listo: revísalo abajo.
draft-expired = ⌛ El borrador de <b>{ $topic }</b> esperó demasiado y ha caducado. Envía <code>/carousel</code> para empezar de nuevo.
draft-gone = Este borrador ya no está abierto: se renderizó, se canceló o caducó.
draft-rewriting = Escribiéndolo de nuevo…
draft-pick-style = Elige un estilo para el borrador.
