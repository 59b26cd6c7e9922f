import SwarmCore
import Testing

@Suite("Personal data detector")
struct PersonalDataTests {
    typealias K = PersonalData.Kind

    @Test("card numbers: Luhn-checked, with an issuer prefix, compact or grouped")
    func cards() {
        #expect(PersonalData.kinds(in: "my card is 4111 1111 1111 1111, please refund") == [.card])
        #expect(PersonalData.kinds(in: "4111-1111-1111-1111") == [.card])
        #expect(PersonalData.kinds(in: "amex 378282246310005.") == [.card])
        // One digit off fails Luhn; a Luhn-valid number without an issuer prefix is an order number.
        #expect(PersonalData.kinds(in: "4111 1111 1111 1112") == [])
        #expect(PersonalData.kinds(in: "order 1000000000000008") == [])
        #expect(PersonalData.luhn([7, 9, 9, 2, 7, 3, 9, 8, 7, 1, 3]))
    }

    @Test("IBANs pass mod-97, compact or in groups of four, any case")
    func ibans() {
        #expect(PersonalData.kinds(in: "IBAN: IT60 X054 2811 1010 0000 0123 456 grazie") == [.iban])
        #expect(PersonalData.kinds(in: "it60x0542811101000000123456") == [.iban])
        #expect(PersonalData.kinds(in: "DE89 3704 0044 0532 0130 00") == [.iban])
        #expect(PersonalData.kinds(in: "GB82 WEST 1234 5698 7654 32") == [.iban])
        #expect(PersonalData.kinds(in: "IT60 X054 2811 1010 0000 0123 457") == [])
        #expect(PersonalData.kinds(in: "AB12 is not an account") == [])
    }

    @Test("phone numbers in the shapes people write them")
    func phones() {
        #expect(PersonalData.kinds(in: "call me on +39 333 123 4567") == [.phone])
        #expect(PersonalData.kinds(in: "0039 333 1234567") == [.phone])
        #expect(PersonalData.kinds(in: "il mio numero è 333 1234567") == [.phone])
        #expect(PersonalData.kinds(in: "ufficio 02 1234 5678") == [.phone])
        #expect(PersonalData.kinds(in: "(555) 123-4567") == [.phone])
    }

    @Test("e-mail addresses, but not handles")
    func emails() {
        #expect(PersonalData.kinds(in: "write to maria.rossi+shop@example.co.uk!") == [.email])
        #expect(PersonalData.kinds(in: "<ana@x.com>") == [.email])
        #expect(PersonalData.kinds(in: "thanks @acme_care and @maria") == [])
        #expect(PersonalData.kinds(in: "meet me @ 5") == [])
    }

    @Test("Italian tax codes with a valid check character, omocodia included")
    func taxCodes() {
        #expect(PersonalData.kinds(in: "CF RSSMRA85T10A562S") == [.taxCode])
        #expect(PersonalData.kinds(in: "cf: bncgli70a41h501a.") == [.taxCode])
        #expect(PersonalData.kinds(in: "RSSMRA85T10A562X") == [])
        #expect(PersonalData.kinds(in: "ABCDEFGHIJKLMNOP") == [])
    }

    @Test("ordinary care talk holds none: dates, times, amounts, order and case numbers, prices")
    func noFalsePositives() {
        let texts = [
            "My order 5512 from 2026-03-14 09:26 still has not arrived, I paid €1.234,56",
            "Refund of 129.90 for order #88123401 on 14/03/2026",
            "Case CS1234567890 and ticket ZD-881, tracking 1Z999AA10123456784",
            "Ho chiamato alle 10:30 del 12.03.2026, codice sconto SUMMER2026",
            "Timestamp 1700000000 and version 6.3.1",
            "",
        ]
        for text in texts { #expect(PersonalData.kinds(in: text) == [], "\(text)") }
    }

    @Test("several kinds at once come back once each, in a fixed order")
    func several() {
        let text = "ana@x.com, +39 333 123 4567, ana@y.com, 4111111111111111, IT60X0542811101000000123456, RSSMRA85T10A562S"
        #expect(PersonalData.kinds(in: text) == [.card, .iban, .phone, .email, .taxCode])
    }

    @Test("hostile input: long runs of digits, separators and at-signs are linear and find nothing odd")
    func hostile() {
        #expect(PersonalData.kinds(in: String(repeating: "1 ", count: 8000)) == [])
        #expect(PersonalData.kinds(in: String(repeating: "@", count: 16000)) == [])
        #expect(PersonalData.kinds(in: String(repeating: "IT60 ", count: 3000)) == [])
        #expect(PersonalData.kinds(in: String(repeating: "a@b", count: 5000)) == [])
    }
}
