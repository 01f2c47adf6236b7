# The brand kit in the chat (/brand).
command-brand = Marka kitiniz: slaytlarınızdaki kullanıcı adı, ad, fotoğraf, renk ve yazı tipleri.
brand-view =
    🎨 <b>Marka kitiniz</b>
    Kullanıcı adı: { $handle }
    Ad: { $name }
    Vurgu: { $accent }
    Yazı tipleri: { $fonts }
    Avatar: { $avatar }
    Logo: { $logo }

    <code>/brand handle @siz</code>, <code>/brand name Adınız</code>, <code>/brand accent #ff8800</code> veya <code>/brand fonts soft</code> yazın ya da düğmeleri kullanın.
brand-has = var
brand-has-not = yok
brand-accent-style = Stilin kendi renkleri
brand-button-edit = ✏️ Uygulamada düzenle
brand-button-photo = 🖼 Telegram fotoğrafımı kullan
brand-button-clear-avatar = Avatarı kaldır
brand-button-clear-logo = Logoyu kaldır
brand-fonts-modern = Modern
brand-fonts-soft = Yumuşak
brand-fonts-strong = Güçlü
brand-unavailable = Marka kitleri şu an bu botta kullanılamıyor.
brand-private-only = Marka kitiniz özel sohbetimizde ayarlanır: açın ve /brand gönderin.
brand-photo-none = Profil fotoğrafınızı göremiyorum: hiç olmayabilir ya da gizlilik ayarlarında botlardan gizlemiş olabilirsiniz.
brand-photo-failed = Fotoğrafınızı şu an alamadım; birazdan tekrar deneyin.
brand-invalid-accent = Bu bir renk değil: #abc veya #aabbcc ya da none kullanın.
brand-invalid-fonts = Yazı tipleri: modern, soft veya strong.
brand-invalid-text = En fazla { $max } karakter, kontrol karakteri olmadan.
brand-image-too-large = Bu dosya 20 MB'tan büyük; Telegram botların bunu indirmesine izin vermiyor.
brand-image-not-an-image = Bu bir görsel değil: JPEG, PNG, WebP veya GIF gönderin.
brand-image-animated = Hareketli görseller kullanılamaz: sabit bir görsel gönderin.
brand-image-too-many-pixels = Bu görsel çok büyük: bir kenarı en fazla 8000 piksel ve toplam 40 megapiksel.
brand-image-unreadable = Bu görsel okunamıyor: bozuk olabilir.
brand-image-unfittable = Bu görsel yeterince küçültülemiyor; başka birini deneyin.
brand-button-upload-avatar = 📷 Avatar yükle
brand-button-upload-logo = 🏷 Logo yükle
brand-upload-avatar-now = Avatarınız için görseli şimdi fotoğraf ya da dosya olarak gönderin (en fazla 20 MB).
brand-upload-logo-now = Logonuzu şimdi gönderin; en iyisi şeffaf arka planlı bir PNG dosyası (en fazla 20 MB).
brand-upload-hint = Slaytlarınızda bir görsel kullanmak için /brand'i açın ve önce “Avatar yükle” ya da “Logo yükle”ye basın.
brand-upload-avatar-saved = ✅ Yeni avatarınız artık slaytlarınızda.
brand-upload-logo-saved = ✅ Logonuz artık slaytlarınızda.
