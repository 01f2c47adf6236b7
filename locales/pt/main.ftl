# Português.

## O menu de comandos e /help

command-start = Começar: uma saudação, e você fica cadastrado.
command-help = A lista de comandos.
command-carousel = Criar um carrossel: /carousel <tema>.
command-wisdom = Uma breve sabedoria do dia.
command-myid = Seu id do Telegram e o id deste chat.
command-ask = Fazer uma pergunta: /ask <pergunta>.
command-history = Seus carrosséis recentes, prontos para fazer de novo.
command-settings = Estilo, número de slides, tamanho, idioma, fotos ou arquivos.
command-cancel = Cancelar o carrossel em andamento.
help-header = <b>O que eu sei fazer</b>
start-greeting = Olá, { $name }! Eu crio carrosséis para o Instagram: envie <code>/carousel tema</code> e receba os slides prontos.
myid =
    Seu id: <code>{ $user }</code>
    Id do chat: <code>{ $chat }</code>
hint = Para criar um carrossel, envie <code>/carousel tema</code>, por exemplo <code>/carousel Fé e dúvida</code>. Todos os comandos: /help

## /carousel

carousel-usage =
    Escreva o tema depois do comando, por exemplo:
    <code>/carousel Fé e dúvida</code>
topic-undrawable = Não consigo desenhar { $missing } dos { $total } caracteres desse tema: os slides mostrariam quadrados vazios em vez das suas palavras. Escreva o tema em outra escrita, por favor.
topic-too-long = Esse tema tem { $chars } { $chars ->
        [one] caractere
       *[other] caracteres
    }; mantenha-o em até { $max }, por favor. Um tema curto e claro rende slides melhores.
pick-style =
    Tema: <b>{ $topic }</b>
    Escolha um estilo:
style-galaxy = 🌌 Galáxia
style-vibrant = 🎨 Vibrante
style-minimal = ⚪ Minimalista
cancel-button = ✖ Cancelar
pdf-button = 📄 PDF
one-at-a-time = Um carrossel por vez, por favor: o atual ainda está sendo feito. Envie /cancel para interrompê-lo.
stale-button = Este botão não vale mais. Comece de novo com /carousel.
not-your-request = Este pedido é de outra pessoa; envie o seu próprio /carousel.
already-started = Já estou fazendo.
starting = Começando…

## A mensagem de status de um carrossel

writing =
    <b>{ $topic }</b>
    ✍️ Escrevendo os slides…
rendering =
    <b>{ $topic }</b>
    🎨 Desenhando { $done }/{ $total }…
sending =
    <b>{ $topic }</b>
    📤 Enviando…
done =
    <b>{ $topic }</b>
    ✅ Pronto: { $slides } { $slides ->
        [one] slide
       *[other] slides
    }. O PDF está a um toque.
offline-note =
    Escrito offline, em { $language ->
        [ru] russo
       *[en] inglês
    }; seu tema foi mantido como você o escreveu.
failed =
    <b>{ $topic }</b>
    ⚠️ Desculpe, não foi possível criar este carrossel: { $reason }
    Tente de novo mais tarde.
timed-out = demorou demais
telegram-refused = o Telegram não aceitou as imagens
step-failed-writing = não foi possível escrever o texto
step-failed-rendering = não foi possível desenhar os slides
step-failed-sending = não foi possível enviar os slides
internal-error = algo deu errado do nosso lado
cancelled =
    <b>{ $topic }</b>
    ✖ Cancelado.
cancel-accepted = Cancelando: o carrossel para depois da etapa atual.
nothing-to-cancel = Nada para cancelar: nenhum carrossel está sendo feito.

## /ask e /history

ask-usage =
    Pergunte depois do comando, por exemplo:
    <code>/ask O que é a graça?</code>
question-too-long = Essa pergunta tem { $chars } { $chars ->
        [one] caractere
       *[other] caracteres
    }; mantenha-a em até { $max }, por favor.
history-empty = Ainda não há carrosséis. Crie o primeiro: <code>/carousel tema</code>
history-header = <b>Seus carrosséis recentes</b> — toque em um para fazê-lo de novo:

## /settings

settings =
    <b>Configurações</b>
    Estilo: { $style }
    Slides: { $slides }
    Tamanho: { $size }
    Idioma: { $language }
    Idioma dos slides: { $content }
    Entrega: { $delivery }
    Nos slides: { $handle }

    Toque para mudar:
handle-username = seu @usuário (ou, se não tiver, seu nome)
handle-name = seu nome
handle-none = sem nome
content-auto = o do próprio tema
content-interface = o mesmo da interface
content-auto-button = 🔎 Idioma do tema
content-interface-button = 💬 Como a interface
not-your-settings = Estas configurações são de outra pessoa; envie /settings para abrir as suas.
saved = Salvo.

## Recusas e limites

unavailable = Desculpe, algo deu errado do nosso lado. Tente de novo em um minuto.
slow-down = Você está enviando mensagens mais rápido do que eu consigo responder. Vá mais devagar, por favor: mensagens enviadas no próximo minuto podem ficar sem resposta.
quota-ask = perguntas (/ask)
quota-wisdom = sabedorias (/wisdom)
quota-carousel = carrosséis
quota-pdf = PDFs
quota-day-used = Seu limite de { $subject } de hoje acabou: { $per_day } por dia. Amanhã tem mais (o dia vira às 00:00 UTC).
quota-minute-used = Você atingiu o limite de { $subject } por minuto (no máximo { $per_minute }). Tente de novo em um minuto.
busy = Estou muito ocupado agora. Tente de novo em um minuto.
not-allowed = Desculpe, este bot é privado e atende apenas aos seus membros.
limits-help =
    <b>Uso justo</b>
    Por pessoa: { $carousels } { $carousels ->
        [one] carrossel
       *[other] carrosséis
    } por dia (no máximo { $carousels_per_minute } por minuto), { $questions } { $questions ->
        [one] pergunta
       *[other] perguntas
    } (/ask) e { $wisdoms } { $wisdoms ->
        [one] sabedoria
       *[other] sabedorias
    } por dia, { $pdfs } { $pdfs ->
        [one] PDF
       *[other] PDFs
    } por dia. Mensagens mais rápidas que cerca de { $messages } por minuto ficam sem resposta por um tempo. Quando muita gente usa o bot ao mesmo tempo, ele pode pedir que você tente de novo em um minuto.
