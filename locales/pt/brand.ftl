# The brand kit in the chat (/brand).
command-brand = Seu kit de marca: usuário, nome, foto, cor e fontes nos seus slides.
brand-view =
    🎨 <b>Seu kit de marca</b>
    Usuário: { $handle }
    Nome: { $name }
    Destaque: { $accent }
    Fontes: { $fonts }
    Avatar: { $avatar }
    Logo: { $logo }

    Digite <code>/brand handle @você</code>, <code>/brand name Seu nome</code>, <code>/brand accent #ff8800</code> ou <code>/brand fonts soft</code>, ou use os botões.
brand-has = sim
brand-has-not = nenhum
brand-accent-style = Cores do estilo
brand-button-edit = ✏️ Editar no app
brand-button-photo = 🖼 Usar minha foto do Telegram
brand-button-clear-avatar = Remover avatar
brand-button-clear-logo = Remover logo
brand-fonts-modern = Moderna
brand-fonts-soft = Suave
brand-fonts-strong = Forte
brand-unavailable = Os kits de marca não estão disponíveis neste bot agora.
brand-private-only = Seu kit de marca é configurado no nosso chat privado: abra-o e envie /brand.
brand-photo-none = Não consigo ver sua foto de perfil: talvez você não tenha ou a esconda de bots nas configurações de privacidade.
brand-photo-failed = Não consegui buscar sua foto agora; tente de novo em instantes.
brand-invalid-accent = Isso não é uma cor: use #abc ou #aabbcc, ou none.
brand-invalid-fonts = As fontes são modern, soft ou strong.
brand-invalid-text = No máximo { $max } caracteres, sem caracteres de controle.
brand-image-too-large = Esse arquivo tem mais de 20 MB, mais do que o Telegram deixa um bot baixar.
brand-image-not-an-image = Isso não é uma imagem: envie um JPEG, PNG, WebP ou GIF.
brand-image-animated = Imagens animadas não servem: envie uma estática.
brand-image-too-many-pixels = Essa imagem é grande demais: no máximo 8000 pixels por lado e 40 megapixels.
brand-image-unreadable = Não é possível ler essa imagem: ela pode estar danificada.
brand-image-unfittable = Não é possível reduzir essa imagem o suficiente; tente outra.
brand-button-upload-avatar = 📷 Enviar avatar
brand-button-upload-logo = 🏷 Enviar logo
brand-upload-avatar-now = Envie agora a imagem do seu avatar, como foto ou arquivo (no máximo 20 MB).
brand-upload-logo-now = Envie agora seu logo, de preferência um arquivo PNG com fundo transparente (no máximo 20 MB).
brand-upload-hint = Para usar uma imagem nos seus slides, abra /brand e toque antes em “Enviar avatar” ou “Enviar logo”.
brand-upload-avatar-saved = ✅ Seu novo avatar já está nos seus slides.
brand-upload-logo-saved = ✅ Seu logo já está nos seus slides.
