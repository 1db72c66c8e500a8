"""What people type for each thing the bot does, in English, Spanish, Portuguese and Indonesian:
regular expressions over the plain form of a message (lower case, no accents), matched as whole
words. Typos and slang that people really type are listed beside the words themselves.
"""

from __future__ import annotations

EN = {
    "stop": r"stop(?:p?ing)? (?:texting|messaging|sending|messages|msgs|reminders|notifications|contacting"
        r"|the messages)"
            r"|(?:don'?t|do not|dont|never) (?:text|message|msg|contact|remind|send)(?: me)?|unsubscribe"
            r"|opt ?out"
            r"|leave me alone|no more (?:messages|texts|reminders)|stop it|^stop$|stfu|go away"
            r"|quit messaging",
    "resume": r"resume|start (?:sending|texting|messaging|the reminders|reminders)(?: again)?"
              r"|(?:send|text|message) me (?:again|reminders)|remind me again|turn (?:on"
              r"|back on) (?:reminders|messages)"
              r"|reminders? (?:on|back|again)|opt ?in|you can (?:text|message) me again",
    "language": r"language|lang|speak (?:english|spanish|chinese|russian|portuguese|indonesian)"
        r"|in (?:english|spanish"
                r"|chinese|russian|portuguese|indonesian|mandarin)|(?:english|spanish|chinese|russian"
                r"|portuguese"
                r"|indonesian) please|switch to|change to (?:english|spanish|chinese|russian|portuguese"
                r"|indonesian)",
    "dispute": r"dispute|(?:not|isn'?t|isnt|is not|aint) my (?:debt|loan|card|account)|(?:isn'?t|is not|isnt"
        r"|aint|not) mine|never (?:had|opened|took|used)"
               r"|don'?t (?:owe|recognise|recognize)|do not (?:owe|recognise|recognize)|dont owe"
               r"|already paid|paid (?:it |this |that )?(?:off|already)"
               r"|i paid (?:it|this|that|last|yesterday)|wrong amount|amount is wrong|(?:amount|balance"
               r"|figure)s? (?:is |are )?(?:wrong|incorrect)"
               r"|incorrect|mistake|error|fraud|scam|stolen|identity theft|someone (?:used|else)|not right"
               r"|too high|overcharged",
    "next": r"what happens|what(?:'s| is| will be)? next|whats next|what will happen|consequences?"
        r"|if i (?:don'?t|do not|dont|can'?t) pay"
            r"|credit (?:report|score|record|bureau|file|rating)|next steps?|^next$|what now|late fees?"
            r"|next fee|what if",
    "hardship": r"can'?t pay|cannot pay|can not pay|cant pay|unable to pay|not able to pay|can'?t afford"
        r"|cannot afford"
                r"|no money|broke|struggl\w*|hard time|hardship|difficult(?:y|ies)?|lost my job|laid off"
                r"|fired|unemployed"
                r"|no job|jobless|out of work|redundan\w*|sick|ill|illness|hospital\w*|cancer|surgery"
                r"|injur\w*|disabled"
                r"|pay ?cut"
                r"|salary (?:cut|reduced|down)|less money|income (?:dropped|fell|down|went down)"
                r"|reduced hours"
                r"|passed away|died|divorce|separated|new baby|can'?t make (?:the )?payments?"
                r"|behind on everything",
    "callback": r"call me|call back|callback|ring me|phone me|give me a call|call (?:me )?(?:at|after|in"
        r"|tomorrow|later)"
                r"|can (?:you|someone) call|(?:please )?call|phone call|rang|ring back",
    "person": r"human|person|agent|operator|real (?:person|people|human)|someone|somebody|representative|rep"
        r"|staff"
              r"|customer (?:service|support|care)|speak to|talk to|live chat|manager|advisor|adviser",
    "pay": r"how (?:do|can|should|to|would) (?:i |we )?pay|how to (?:make a )?pay(?:ment)?|where (?:do i "
        r"|can i |to |should i )?pay"
           r"|ways? to pay|pay(?:ment)? (?:methods?|options?|details|info)|bank (?:details|account|transfer)"
           r"|sort code"
           r"|account (?:number|no)|iban|transfer details|where do i send|how do i send|^pay$|wanna pay"
           r"|want to pay"
           r"|make a payment|paying options",
    "promise": r"promise|i'?ll pay|i will pay|i can pay|i could pay|i'?m (?:going to|gonna) pay|gonna pay"
        r"|going to pay"
               r"|i'?ll send|will send|can send|will transfer|can transfer|i'?ll transfer|pay (?:you|it|that"
               r"|this) (?:on|by|next|tomorrow)"
               r"|i can do|i'?ll do|i will do|i'?ll have|will have (?:it|the money)|i'?ll settle|will settle"
               r"|pay back",
    "plans": r"plans?|instal+ments?|payment plan|repayment plan|pay (?:it )?(?:in|over) (?:parts"
        r"|instal+ments|months|time)"
             r"|monthly payments?|spread (?:it|the)|arrangement|settle(?:ment)?|options to repay"
             r"|smaller payments|split",
    "balance": r"balance|how much (?:do |does |did )?(?:i |it )?(?:owe|is it|left|have to pay|to pay"
        r"|is left)|owe|total|how much"
               r"|what do i owe|what is my debt|my debt|amount due|statement|arrears|outstanding|bal|balence"
               r"|ballance|balanse",
    "thanks": r"thanks?|thank you|thx|ty|tks|cheers|appreciate(?: it)?|much obliged|great thanks",
    "goodbye": r"bye|goodbye|good bye|see you|see ya|later|that'?s all|cya|good night",
    "greeting": r"hi|hello|hey|hiya|yo|good (?:morning|afternoon|evening)|howdy|greetings|start",
}
EN_REASONS = {
    "hardship": {"job_loss": r"lost my job|laid off|fired|unemployed|no job|jobless|out of work|redundan\w*"
        r"|lost work",
                 "illness": r"sick|ill|illness|hospital\w*|cancer|surgery|injur\w*|disabled|medical|accident",
                 "income_drop": r"pay ?cut|salary (?:cut|reduced|down)|less money|income (?:dropped|fell"
                     r"|down|went down)"
                                r"|reduced hours|fewer hours|business (?:is )?(?:slow|failed|closed)",
                 "family": r"passed away|died|divorce|separated|new baby|funeral"},
    "dispute": {"fraud": r"fraud|scam|stolen|identity theft|someone (?:used|else)",
                "not_mine": r"(?:not|isn'?t|isnt|is not|aint) my (?:debt|loan|card|account)|(?:isn'?t|is not"
                    r"|isnt|aint|not) mine|never (?:had|opened|took|used)"
                            r"|don'?t (?:recognise|recognize)|do not (?:recognise|recognize)",
                "already_paid": r"already paid|paid (?:it |this |that )?(?:off|already)|i paid (?:it|this"
                    r"|that|last|yesterday)",
                "wrong_amount": r"wrong amount|amount is wrong|(?:amount|balance|figure)s? (?:is "
                    r"|are )?(?:wrong|incorrect)"
                                r"|too high|overcharged|incorrect amount"},
}

ES = {
    "stop": r"(?:deja|dejen|dejad|para|paren|basta) de (?:enviar|mandar|escribir|molestar)\w*"
        r"|no me (?:escriban|escribas|manden|envien|molesten|contacten|mandes)"
            r"|no quiero (?:mas )?(?:mensajes|recordatorios)|ya no (?:me )?(?:manden|envien|escriban)"
            r"|darme de baja|dar de baja|baja|^para$|^alto$|basta ya",
    "resume": r"(?:vuelvan|volver|vuelve) a (?:enviar|mandar|escribir)\w*|reactivar|reanudar"
        r"|activar (?:los )?recordatorios"
              r"|quiero (?:recibir )?(?:los )?recordatorios|mandenme recordatorios|envienme (?:mensajes"
              r"|recordatorios) otra vez",
    "language": r"idioma|lengua|en (?:ingles|chino|ruso|portugues|indonesio|espanol)|hablas? (?:ingles|chino"
        r"|ruso|portugues|espanol)"
                r"|cambiar (?:el )?idioma|(?:ingles|chino|ruso|portugues|espanol),? por favor",
    "dispute": r"no es mi deuda|no es mia|no es mio|no reconozco|nunca (?:tuve|pedi|use|saque|abri)|no debo"
        r"|ya (?:lo )?(?:pague|page|pagué|liquide)"
               r"|ya esta pagad[oa]|monto (?:incorrecto|equivocado|mal)|cantidad (?:incorrecta|equivocada)"
               r"|(?:el )?(?:monto|saldo) (?:esta|es) mal"
               r"|disputa|reclamo|reclamacion|fraude|estafa|robaron|error|equivocad[oa]|cobro indebido"
               r"|no corresponde",
    "next": r"que (?:pasa|pasara|sucede|ocurre)|que sigue|que viene ahora|si no pago|buro"
        r"|historial crediticio|consecuencias|proximos? pasos?"
            r"|y ahora que|recargos?|intereses",
    "hardship": r"no puedo pagar|no (?:tengo|hay) (?:dinero|plata|lana|como pagar)|sin dinero|sin plata"
        r"|no me alcanza|estoy en (?:la )?quiebra"
                r"|dificultad\w*|problemas? (?:economicos|financieros)|perdi (?:mi |el )?(?:trabajo|empleo"
                r"|chamba)|me (?:despidieron|corrieron)"
                r"|desemplead[oa]|sin (?:trabajo|empleo|chamba)|enferm[oa]|enfermedad|hospital\w*|operacion"
                r"|cirugia|accidente"
                r"|me bajaron el sueldo|gano menos|fallecio|murio|divorcio|esta dificil"
                r"|no llego a fin de mes",
    "callback": r"marquen(?:me)?|marcarme|marcame|llam[ae]me|llamenme|llamarme|me llamen|me llaman"
        r"|me pueden llamar|me puede llamar|llamada"
        r"|marcame|me marcan|regresar la llamada",
    "person": r"persona|humano|agente|asesor\w*|operador\w*|ejecutiv[oa]|alguien|hablar con"
        r"|atencion al cliente|servicio al cliente|gerente",
    "pay": r"como (?:pago|pagar|puedo pagar|le pago|hago (?:el|un) pago|se paga|deposito)|donde (?:pago"
        r"|pagar|puedo pagar|deposito)"
           r"|formas? de pago|metodos? de pago|datos (?:bancarios|para pagar|de pago)|cuenta (?:bancaria"
           r"|para depositar)|clabe|^pagar$|quiero pagar",
    "promise": r"prometo|promesa|pagare|pagaré|voy a pagar|puedo pagar|podria pagar|le pago|te pago|les pago"
        r"|deposito|depositare|transfiero"
               r"|voy a depositar|voy a transferir|les (?:mando|envio)|pago el|pago (?:manana|hoy|el)"
               r"|me comprometo",
    "plans": r"planes?|plan de pagos?|cuotas|a plazos|mensualidades|pagos? (?:chicos|pequenos|mensuales)"
        r"|parcialidades|convenio|acuerdo|financiar|diferir|liquidacion|quita",
    "balance": r"saldo|cuanto (?:debo|le debo|es|tengo que pagar|falta)|mi deuda|adeudo|deuda total|total"
        r"|estado de cuenta|cuanto",
    "thanks": r"gracias|muchas gracias|mil gracias|grax|thx|te agradezco|se agradece",
    "goodbye": r"adios|hasta luego|nos vemos|chao|chau|bye|hasta pronto|eso es todo",
    "greeting": r"hola|buen(?:os|as) (?:dias|tardes|noches)|buenas|que tal|saludos|holi|ola",
}
ES_REASONS = {
    "hardship": {"job_loss": r"perdi (?:mi |el )?(?:trabajo|empleo|chamba)|me (?:despidieron|corrieron)"
        r"|desemplead[oa]|sin (?:trabajo|empleo|chamba)",
                 "illness": r"enferm[oa]|enfermedad|hospital\w*|operacion|cirugia|accidente",
                 "income_drop": r"me bajaron el sueldo|gano menos|menos ingresos",
                 "family": r"fallecio|murio|divorcio"},
    "dispute": {"fraud": r"fraude|estafa|robaron",
                "not_mine": r"no es mi deuda|no es mia|no es mio|no reconozco|nunca (?:tuve|pedi|use|saque"
                    r"|abri)",
                "already_paid": r"ya (?:lo )?(?:pague|page|liquide)|ya esta pagad[oa]",
                "wrong_amount": r"monto (?:incorrecto|equivocado|mal)|cantidad (?:incorrecta|equivocada)"
                    r"|(?:el )?(?:monto|saldo) (?:esta|es) mal|cobro indebido"},
}

PT = {
    "stop": r"(?:pare|parem|para) de (?:mandar|enviar|me mandar|me enviar|ligar|escrever)\w*"
        r"|nao (?:me )?(?:mande|mandem|envie|enviem|escrevam|perturbe|incomode)\w*"
            r"|nao quero (?:mais )?(?:mensagens|lembretes)|chega de mensagens|descadastrar"
            r"|cancelar (?:as )?mensagens|^pare$|^parar$|sair da lista",
    "resume": r"(?:volte|voltem|voltar) a (?:mandar|enviar)\w*|reativar|retomar|ativar (?:os )?lembretes"
        r"|quero (?:receber )?(?:os )?lembretes(?: de novo)?"
              r"|pode(?:m)? (?:me )?mandar (?:mensagens|lembretes)(?: de novo)?",
    "language": r"idioma|lingua|em (?:ingles|chines|russo|espanhol|indonesio|portugues)|falar (?:ingles"
        r"|chines|russo|espanhol|portugues)|mudar (?:o )?idioma",
    "dispute": r"nao e minha|nao e meu|essa divida nao|nao reconheco|nunca (?:tive|pedi|usei|fiz)|nao devo"
        r"|ja (?:paguei|quitei|pago)|ja esta pag[oa]"
               r"|valor (?:errado|incorreto)|(?:o )?(?:valor|saldo) (?:esta|ta) errado|contestar|contestacao"
               r"|fraude|golpe|clonad[oa]|roubad[oa]|erro|cobranca indevida",
    "next": r"o que acontece|que acontece|o que vai acontecer|e agora|se eu nao pagar|serasa|spc|nome sujo"
        r"|negativad\w*|consequencias|proximos passos|juros|multa",
    "hardship": r"nao (?:consigo|posso|tenho como) pagar|nao tenho (?:dinheiro|grana)|sem (?:dinheiro|grana)"
        r"|to (?:liso|quebrad[oa])|dificuldades?"
                r"|perdi (?:o |meu )?emprego|fui demitid[oa]|desempregad[oa]|sem emprego|doente|doenca"
                r"|hospital\w*|cirurgia|internad[oa]|acidente"
                r"|salario (?:caiu|diminuiu|reduzido)|ganho menos|faleceu|morreu|divorcio|apertad[oa]|aperto",
    "callback": r"me (?:liga|ligue|liguem|ligar)|ligar para mim|ligacao|me telefone|retornar a ligacao"
        r"|pode(?:m)? me ligar|liga pra mim",
    "person": r"pessoa|humano|atendente|agente|operador\w*|alguem|falar com|atendimento|gerente|consultor\w*",
    "pay": r"como (?:pago|pagar|faco para pagar|faco o pagamento|posso pagar)|onde (?:pago|pagar"
        r"|posso pagar)|formas? de pagamento"
           r"|boleto|pix|chave pix|dados (?:bancarios|para pagamento)|conta para (?:deposito|pagar)|^pagar$"
           r"|quero pagar",
    "promise": r"prometo|promessa|vou pagar|posso pagar|pago (?:na|no|dia|amanha|hoje|ate)|consigo pagar"
        r"|vou depositar|vou transferir|faco o pix"
               r"|mando o pix|vou mandar|pagarei|me comprometo",
    "plans": r"planos?|parcela\w*|parcelar|parcelamento|acordo|negociar|negociacao|renegociar|prestacoes"
        r"|pagar aos poucos|quitacao|desconto",
    "balance": r"saldo|(?:quanto|qnto|qto|qnt) (?:devo|eu devo|e|falta|tenho que pagar)|minha divida"
        r"|divida total|total"
        r"|extrato|fatura|quanto",
    "thanks": r"obrigad[oa]|valeu|vlw|brigad[oa]|muito obrigad[oa]|agradeco",
    "goodbye": r"tchau|ate logo|ate mais|falou|flw|adeus|e isso",
    "greeting": r"oi|ola|bom dia|boa tarde|boa noite|e ai|eae|opa|salve",
}
PT_REASONS = {
    "hardship": {"job_loss": r"perdi (?:o |meu )?emprego|fui demitid[oa]|desempregad[oa]|sem emprego",
                 "illness": r"doente|doenca|hospital\w*|cirurgia|internad[oa]|acidente",
                 "income_drop": r"salario (?:caiu|diminuiu|reduzido)|ganho menos",
                 "family": r"faleceu|morreu|divorcio"},
    "dispute": {"fraud": r"fraude|golpe|clonad[oa]|roubad[oa]",
                "not_mine": r"nao e minha|nao e meu|essa divida nao|nao reconheco|nunca (?:tive|pedi|usei"
                    r"|fiz)",
                "already_paid": r"ja (?:paguei|quitei|pago)|ja esta pag[oa]",
                "wrong_amount": r"valor (?:errado|incorreto)|(?:o )?(?:valor|saldo) (?:esta|ta) errado"
                    r"|cobranca indevida"},
}

ID = {
    "stop": r"(?:berhenti|stop|jangan) (?:kirim|mengirim|sms|chat|wa|hubungi|menghubungi)\w*"
        r"|jangan (?:ganggu|hubungi) saya lagi"
            r"|tidak mau (?:dapat |menerima )?(?:pesan|pengingat)|gak mau (?:dapat )?(?:pesan|chat)"
            r"|berhenti(?: langganan)?|^stop$|udahan|stop pesan",
    "resume": r"(?:kirim|kirimi|kirimkan) (?:lagi|pengingat|saya pengingat)|aktifkan (?:lagi|kembali)"
        r"|mulai (?:kirim|lagi)|lanjutkan (?:pengingat|pesan)"
              r"|mau (?:terima|dapat) pengingat(?: lagi)?",
    "language": r"bahasa|ganti bahasa|pakai bahasa|dalam bahasa|in english|bisa bahasa",
    "dispute": r"bukan (?:utang|hutang|pinjaman|kartu|tagihan) saya|bukan punya saya|bukan milik saya"
        r"|tidak pernah (?:pinjam|punya|pakai|ambil)"
               r"|gak pernah (?:pinjam|punya|pakai)|sudah (?:saya )?(?:bayar|lunas|dibayar|transfer)"
               r"|udah (?:bayar|lunas|transfer)|sdh bayar|jumlah(?:nya)? salah"
               r"|tagihan(?:nya)? salah|nominal(?:nya)? salah|salah (?:jumlah|tagihan|nominal)|sanggah"
               r"|keberatan|komplain|penipuan|ditipu|dicuri|salah",
    "next": r"apa yang (?:terjadi|akan terjadi)|apa akibat\w*|kalau (?:saya )?(?:tidak|gak|nggak|ga) bayar"
        r"|bi checking|slik|kolektibilitas"
            r"|langkah selanjutnya|selanjutnya (?:apa|gimana)|terus gimana|denda",
    "hardship": r"(?:tidak|gak|nggak|ga|belum) (?:bisa|sanggup|mampu) (?:bayar|membayar|nyicil)|(?:tidak|gak"
        r"|nggak|ga) (?:ada|punya) (?:uang|duit)"
                r"|lagi susah|kesulitan|sedang sulit|bokek|kena phk|di-?phk|kehilangan pekerjaan|dipecat"
                r"|nganggur|menganggur|tidak bekerja"
                r"|sakit|dirawat|rumah sakit|operasi|kecelakaan|gaji (?:dipotong|turun|berkurang)"
                r"|penghasilan (?:turun|berkurang)|meninggal|cerai",
    "callback": r"telepon saya|telpon saya|telp saya|hubungi saya|tolong telepon|minta ditelepon"
        r"|bisa ditelepon|telepon (?:balik|kembali)"
                r"|call saya|hubungi (?:aku|balik)|telpon (?:aku|balik)",
    "person": r"orang|manusia|petugas|operator|agen|cs|customer service|admin|bicara dengan|ngobrol dengan"
        r"|staf",
    "pay": r"(?:cara|gimana|bagaimana) (?:cara )?(?:bayar|membayar|pembayaran|transfer)(?:nya)?|bayar (?:ke"
        r"|dimana|di mana|lewat)|nomor rekening|no\.? rek(?:ening)?"
           r"|rekening|metode pembayaran|virtual account|va|^bayar$|mau bayar",
    "promise": r"janji|saya (?:akan|bisa|mau) (?:bayar|transfer|lunasi)|akan (?:bayar|saya bayar|transfer)"
        r"|bisa (?:bayar|transfer)|bayar (?:hari|tanggal|besok|minggu)"
               r"|saya bayar|aku bayar|sy bayar|transfer (?:besok|hari|tanggal)",
    "plans": r"cicil\w*|nyicil|angsur\w*|rencana (?:pembayaran|cicilan)|restrukturisasi|keringanan"
        r"|bayar bertahap|tenor|program",
    "balance": r"saldo|(?:berapa|brp|brapa) (?:tagihan|utang|hutang)(?: saya| sy| aku)?|(?:tagihan|utang"
        r"|hutang) (?:sy|aku)|sisa (?:utang|hutang|tagihan)|berapa (?:utang|hutang|tagihan|yang harus"
        r"|total|sisa)"
        r"|tagihan saya|total (?:tagihan|utang|hutang)|utang saya|hutang saya|berapa",
    "thanks": r"terima kasih|makasih|trims|thanks|thx|tengkyu|terimakasih|mksh",
    "goodbye": r"sampai jumpa|dadah|bye|selamat tinggal|sudah cukup|itu saja",
    "greeting": r"halo|hai|hi|selamat (?:pagi|siang|sore|malam)|assalamualaikum|permisi|pagi|hallo",
}
ID_REASONS = {
    "hardship": {"job_loss": r"kena phk|di-?phk|kehilangan pekerjaan|dipecat|nganggur|menganggur"
        r"|tidak bekerja",
                 "illness": r"sakit|dirawat|rumah sakit|operasi|kecelakaan",
                 "income_drop": r"gaji (?:dipotong|turun|berkurang)|penghasilan (?:turun|berkurang)",
                 "family": r"meninggal|cerai"},
    "dispute": {"fraud": r"penipuan|ditipu|dicuri",
                "not_mine": r"bukan (?:utang|hutang|pinjaman|kartu|tagihan) saya|bukan punya saya"
                    r"|bukan milik saya|tidak pernah (?:pinjam|punya|pakai|ambil)"
                            r"|gak pernah (?:pinjam|punya|pakai)",
                "already_paid": r"sudah (?:saya )?(?:bayar|lunas|dibayar|transfer)|udah (?:bayar|lunas"
                    r"|transfer)|sdh bayar",
                "wrong_amount": r"jumlah(?:nya)? salah|tagihan(?:nya)? salah|nominal(?:nya)? salah"
                    r"|salah (?:jumlah|tagihan|nominal)"},
}
