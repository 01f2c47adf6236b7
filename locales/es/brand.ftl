# The brand kit in the chat (/brand).
command-brand = Tu kit de marca: usuario, nombre, foto, color y fuentes en tus diapositivas.
brand-view =
    🎨 <b>Tu kit de marca</b>
    Usuario: { $handle }
    Nombre: { $name }
    Acento: { $accent }
    Fuentes: { $fonts }
    Avatar: { $avatar }
    Logo: { $logo }

    Escribe <code>/brand handle @tú</code>, <code>/brand name Tu nombre</code>, <code>/brand accent #ff8800</code> o <code>/brand fonts soft</code>, o usa los botones.
brand-has = sí
brand-has-not = ninguno
brand-accent-style = Colores del estilo
brand-button-edit = ✏️ Editar en la app
brand-button-photo = 🖼 Usar mi foto de Telegram
brand-button-clear-avatar = Quitar avatar
brand-button-clear-logo = Quitar logo
brand-fonts-modern = Moderna
brand-fonts-soft = Suave
brand-fonts-strong = Fuerte
brand-unavailable = Los kits de marca no están disponibles en este bot ahora mismo.
brand-private-only = Tu kit de marca se configura en nuestro chat privado: ábrelo y envía /brand.
brand-photo-none = No veo tu foto de perfil: puede que no tengas o que la ocultes a los bots en tus ajustes de privacidad.
brand-photo-failed = No pude obtener tu foto ahora; inténtalo en un momento.
brand-invalid-accent = Eso no es un color: usa #abc o #aabbcc, o none.
brand-invalid-fonts = Las fuentes son modern, soft o strong.
brand-invalid-text = Como máximo { $max } caracteres, sin caracteres de control.
brand-image-too-large = Ese archivo supera los 20 MB, más de lo que Telegram deja descargar a un bot.
brand-image-not-an-image = Eso no es una imagen: envía un JPEG, PNG, WebP o GIF.
brand-image-animated = Las imágenes animadas no sirven: envía una fija.
brand-image-too-many-pixels = Esa imagen es demasiado grande: como máximo 8000 píxeles por lado y 40 megapíxeles.
brand-image-unreadable = No se puede leer esa imagen: puede estar dañada.
brand-image-unfittable = No se puede reducir esa imagen lo suficiente; prueba con otra.
brand-button-upload-avatar = 📷 Subir avatar
brand-button-upload-logo = 🏷 Subir logo
brand-upload-avatar-now = Envía ahora la imagen para tu avatar, como foto o como archivo (20 MB como máximo).
brand-upload-logo-now = Envía ahora tu logo, mejor como archivo PNG con fondo transparente (20 MB como máximo).
brand-upload-hint = Para usar una imagen en tus diapositivas, abre /brand y pulsa antes «Subir avatar» o «Subir logo».
brand-upload-avatar-saved = ✅ Tu nuevo avatar ya está en tus diapositivas.
brand-upload-logo-saved = ✅ Tu logo ya está en tus diapositivas.
