import Foundation
import SwarmCore
import SwarmProtocol

/// Knowledge-base articles: versions, states, shares into cases, solved-by, capture and render.
extension SQLiteStore {
    public func createArticle(_ p: Principal, _ req: KBCreateRequest) async throws -> Article {
        guard p.role != .bot else { throw SwarmError.forbidden("bots do not write articles") }
        let fields = try ArticleFields(title: req.title, body: req.body, tags: req.tags ?? [], products: req.products ?? [],
                                       language: req.language ?? "en", audience: req.audience ?? .internal, replyTemplate: req.replyTemplate)
        return try await write { tx in
            let id = try Self.insertArticle(tx, author: p.id, fields, state: .draft, sourceCase: nil)
            return try Self.articleModel(tx.db, id: id, for: p)
        }
    }

    public func updateArticle(_ p: Principal, _ req: KBUpdateRequest, editorSkill: String) async throws -> Article {
        try await write { tx in
            let db = tx.db
            let (row, access) = try Self.visibleArticle(db, p, ref: req.article, editorSkill: editorSkill)
            guard access.write else { throw SwarmError.forbidden("only the author (while a draft) or an editor may change this article") }
            let old = try Self.articleModel(db, row, for: p)
            let fields = try ArticleFields(title: req.title ?? old.title, body: req.body ?? old.body, tags: req.tags ?? old.tags,
                                           products: req.products ?? old.products, language: req.language ?? old.language,
                                           audience: req.audience ?? old.audience, replyTemplate: req.replyTemplate ?? old.replyTemplate)
            let version = old.version + 1
            if old.state == .approved {
                try db.sqliteOnly { try KBTerms.replace($0, old: (old.title, old.tags.joined(separator: " "), old.body),
                                    new: (fields.title, fields.tags.joined(separator: " "), fields.body)) }
            }
            try db.execute("""
                UPDATE kb_articles SET title = ?, body = ?, tags = ?, tags_json = ?, products = ?, language = ?, audience = ?, reply_template = ?,
                       version = ?, updated_at = ? WHERE id = ?
                """, [fields.title, fields.body, fields.tags.joined(separator: " "), try Self.json(tx, fields.tags), try Self.json(tx, fields.products),
                                 fields.language, fields.audience.rawValue, fields.replyTemplate, version, Timestamp.now(), row["id"]])
            try Self.saveArticleVersion(tx, id: row["id"], version: version, fields, author: p.id, previousBody: old.body)
            return try Self.articleModel(db, id: row["id"], for: p)
        }
    }

    public func setArticleState(_ p: Principal, _ req: KBStateRequest, editorSkill: String) async throws -> Article {
        try await write { tx in
            let db = tx.db
            let (row, access) = try Self.visibleArticle(db, p, ref: req.article, editorSkill: editorSkill)
            let from = KBState(rawValue: row["state"]) ?? .draft
            guard KBRules.mayMove(from: from, to: req.state, isAuthor: access.author, isEditor: access.editor) else {
                throw SwarmError.forbidden("approving and archiving approved articles is for leads, admins and knowledge editors")
            }
            if (from == .approved) != (req.state == .approved) {
                let text = (row["title"] as String, row["tags"] as String, row["body"] as String)
                try db.sqliteOnly { try KBTerms.replace($0, old: from == .approved ? text : nil, new: req.state == .approved ? text : nil) }
            }
            try db.execute("UPDATE kb_articles SET state = ?, approved_by = CASE WHEN ? = 'approved' THEN ? ELSE approved_by END, updated_at = ? WHERE id = ?", [req.state.rawValue, req.state.rawValue, p.id, Timestamp.now(), row["id"]])
            return try Self.articleModel(db, id: row["id"], for: p)
        }
    }

    public func getArticle(_ p: Principal, _ req: KBGetRequest, editorSkill: String) async throws -> KBGetReply {
        try await read { db in
            let row = try Self.visibleArticle(db, p, ref: req.article, editorSkill: editorSkill).row
            var article = try Self.articleModel(db, row, for: p)
            let versions = try db.fetchAll("""
                SELECT v.version, v.title, COALESCE(v.body, a.body) AS body, v.tags_json, v.at, u.name
                FROM kb_versions v JOIN kb_articles a ON a.id = v.article_id JOIN users u ON u.id = v.author_id WHERE v.article_id = ? ORDER BY v.version
                """, [row["id"]]).map { r in
                ArticleVersion(version: r["version"], title: r["title"], body: r["body"], tags: Self.decodeList(r["tags_json"]), author: r["name"], at: r["at"])
            }
            if let v = req.version {
                guard let old = versions.first(where: { $0.version == v }) else { throw SwarmError.notFound("no version \(v) of \(article.id)") }
                article.title = old.title
                article.body = old.body
                article.tags = old.tags
                article.version = v
            }
            // The list carries metadata; bodies come one version at a time.
            return KBGetReply(article: article, versions: versions.map { ArticleVersion(version: $0.version, title: $0.title, body: "", tags: $0.tags, author: $0.author, at: $0.at) })
        }
    }

    public func listArticles(_ p: Principal, _ req: KBListRequest, editorSkill: String) async throws -> KBListReply {
        if let l = req.limit, l < 1 || l > 200 { throw SwarmError.badRequest("limit must be 1–200") }
        let limit = req.limit ?? 50
        return try await read { db in
            let editor = try Self.isEditor(db, p, editorSkill: editorSkill)
            var conditions = ["a.id < ?"]
            var args: [(any SQLBindable)?] = [try req.before.map { try Ids.require(.article, $0, field: "before") } ?? Int64.max]
            if let state = req.state { conditions.append("a.state = ?"); args.append(state.rawValue) }
            if let tag = req.tag { conditions.append("EXISTS (SELECT 1 FROM (\(db.jsonStrings("a.tags_json"))) AS t WHERE value = ?)"); args.append(Names.strip(tag).lowercased()) }
            if let language = req.language { conditions.append("a.language = ?"); args.append(language.lowercased()) }
            if let audience = req.audience { conditions.append("a.audience = ?"); args.append(audience.rawValue) }
            if let author = req.author { conditions.append("a.author_id = ?"); args.append(try Rows.userRow(db, ref: author)["id"] as Int64) }
            if !editor { conditions.append("(a.state = 'approved' OR a.author_id = ?)"); args.append(p.id) }
            args.append(limit + 1)
            let rows = try db.fetchAll(Self.articleSelect + " WHERE \(conditions.joined(separator: " AND ")) ORDER BY a.id DESC LIMIT ?",
                                       SQLArguments(args))
            let next = rows.count > limit ? rows.prefix(limit).last.map { Ids.make(.article, $0["id"]) } : nil
            return KBListReply(articles: try rows.prefix(limit).map { try Self.articleModel(db, $0, for: p) }, nextBefore: next)
        }
    }

    /// Posts an article card into a case thread (or any thread) and records the share.
    public func shareArticle(_ p: Principal, _ req: KBShareRequest, editorSkill: String) async throws -> Message {
        let comment = try req.comment.map { try Self.validText($0, field: "comment", max: 2000) }
        guard (req.caseId == nil) != (req.thread == nil) else { throw SwarmError.badRequest("give case or thread (one of them)") }
        return try await write { tx in
            let db = tx.db
            let row = try Self.visibleArticle(db, p, ref: req.article, editorSkill: editorSkill).row
            let article = try Self.articleModel(db, row, for: p)
            guard article.state == .approved else { throw SwarmError.badRequest("only approved articles can be shared") }
            var caseRow: SQLRow?
            let threadId: Int64
            if let ref = req.caseId {
                let c = try Self.caseRow(db, ref: ref)
                try Self.authorize(db, p, caseRow: c, .caseNote)
                caseRow = c
                threadId = c["thread_id"]
            } else {
                let root = try Rows.messageRow(db, ref: req.thread!)
                threadId = (root["thread_id"] as Int64?) ?? (root["id"] as Int64)
                caseRow = try db.fetchOne(Self.caseSelect + " WHERE c.thread_id = ?", [threadId])
                if let c = caseRow { try Self.authorize(db, p, caseRow: c, .caseNote) }
            }
            let root = try Rows.messageRow(db, ref: Ids.make(.message, threadId))
            let ch = try Rows.channel(db, ref: Ids.make(.channel, root["channel_id"]))
            if caseRow == nil { guard try Rows.isMember(db, channel: ch.id, user: p.id) else { throw SwarmError.forbidden("join the channel before sharing into it") } }
            try Self.ensureMember(tx, channel: ch, user: p.id)
            let snippet = Self.clip(article.body.replacingOccurrences(of: "\n", with: " "), 200)
            let card: JSONValue = .object(["type": .string("kb"), "article": .string(article.id), "title": .string(article.title),
                                           "version": .number(Double(article.version)), "snippet": .string(snippet),
                                           "case": caseRow.map { .string(Ids.make(.case, $0["id"])) } ?? .null])
            let body = "📖 \(article.id) v\(article.version): \(article.title)" + (comment.map { " — \($0)" } ?? "")
            let message = try Self.insertMessage(tx, channel: ch, author: p, body: body, thread: threadId, card: card)
            let now = Timestamp.now()
            let caseId: Int64? = caseRow?["id"]
            try db.execute("INSERT INTO kb_shares(article_id, version, case_id, message_id, by_user, at) VALUES (?, ?, ?, ?, ?, ?)", [row["id"], article.version, caseId, try Ids.require(.message, message.id, field: "message"), p.id, now])
            try db.execute("""
                INSERT INTO kb_counts(article_id, shares, last_used) VALUES (?, 1, ?)
                ON CONFLICT(article_id) DO UPDATE SET shares = kb_counts.shares + 1, last_used = excluded.last_used
                """, [row["id"], now])
            if let c = caseRow {
                try Self.addTimeline(tx, customer: c["customer_id"], caseId: c["id"], kind: "kb_shared", text: "shared \(article.id): \(article.title)", by: p.id,
                                     data: .object(["article": .string(article.id), "version": .number(Double(article.version)), "message": .string(message.id)]))
            }
            return message
        }
    }

    /// Records that an article solved a case, once per (case, article).
    public func articleSolved(_ p: Principal, _ req: KBSolvedRequest, editorSkill: String) async throws -> KBSolvedReply {
        try await write { tx in
            let db = tx.db
            let row = try Self.visibleArticle(db, p, ref: req.article, editorSkill: editorSkill).row
            guard (row["state"] as String) == KBState.approved.rawValue else { throw SwarmError.badRequest("only approved articles can be recorded as solving a case") }
            let c = try Self.caseRow(db, ref: req.caseId)
            try Self.authorize(db, p, caseRow: c, .caseNote)
            let now = Timestamp.now()
            try db.execute("INSERT INTO kb_solved(article_id, case_id, by_user, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", [row["id"], c["id"], p.id, now])
            let recorded = db.changesCount > 0
            if recorded {
                try db.execute("""
                    INSERT INTO kb_counts(article_id, solved, last_used) VALUES (?, 1, ?)
                    ON CONFLICT(article_id) DO UPDATE SET solved = kb_counts.solved + 1, last_used = excluded.last_used
                    """, [row["id"], now])
                try Self.addTimeline(tx, customer: c["customer_id"], caseId: c["id"], kind: "kb_solved",
                                     text: "solved by \(Ids.make(.article, row["id"])): \(row["title"] as String)", by: p.id,
                                     data: .object(["article": .string(Ids.make(.article, row["id"]))]))
            }
            return KBSolvedReply(article: Ids.make(.article, row["id"]), caseId: Ids.make(.case, c["id"]), recorded: recorded, stats: try Self.articleStats(db, id: row["id"], for: p))
        }
    }

    /// A draft pre-filled from the thread's marked answer (and its question), linked to the case.
    public func captureArticle(_ p: Principal, _ req: KBCaptureRequest) async throws -> Article {
        guard p.role != .bot else { throw SwarmError.forbidden("bots do not write articles") }
        let title = try Self.validText(req.title, field: "title", max: 200)
        return try await write { tx in
            let db = tx.db
            let root = try Rows.messageRow(db, ref: req.thread)
            let threadId = (root["thread_id"] as Int64?) ?? (root["id"] as Int64)
            _ = try Rows.readableChannel(db, ref: Ids.make(.channel, root["channel_id"]), by: p)
            let marked = try db.fetchAll(Rows.messageSelect + """
                 WHERE (m.thread_id = ?1 OR m.id = ?1) AND m.mark IS NOT NULL AND m.deleted_at IS NULL ORDER BY m.id
                """, [threadId]).map(Rows.message)
            guard let answer = marked.last(where: { $0.mark == "answer" }) else {
                throw SwarmError.badRequest("mark the answer in the thread first (message.mark answer)")
            }
            let question = marked.last { $0.mark == "question" && Self.order($0.id) < Self.order(answer.id) }
            let caseRow = try db.fetchOne(Self.caseSelect + " WHERE c.thread_id = ?", [threadId])
            var body = ""
            if let question { body += "**Question:** \(question.body)\n\n" }
            body += "**Answer:** \(answer.body)\n"
            if let c = caseRow { body += "\n_Captured from case \(Ids.make(.case, c["id"])) (thread \(Ids.make(.message, threadId)))._\n" }
            let tags = caseRow.map { Self.decodeList($0["tags"]) } ?? []
            let fields = try ArticleFields(title: title, body: body, tags: tags, products: [], language: "en", audience: .internal, replyTemplate: nil)
            let id = try Self.insertArticle(tx, author: p.id, fields, state: .draft, sourceCase: caseRow?["id"])
            return try Self.articleModel(db, id: id, for: p)
        }
    }

    /// Fills an approved customer-facing article's reply template from a case.
    public func renderArticle(_ p: Principal, _ req: KBRenderRequest, editorSkill: String) async throws -> KBRenderReply {
        try await read { db in
            let row = try Self.visibleArticle(db, p, ref: req.article, editorSkill: editorSkill).row
            let article = try Self.articleModel(db, row, for: p)
            guard article.audience == .customer, article.state == .approved else {
                throw SwarmError.badRequest("only approved customer-facing articles can be rendered for a customer")
            }
            guard let template = article.replyTemplate else { throw SwarmError.badRequest("\(article.id) has no reply template") }
            let c = try Self.caseRow(db, ref: req.caseId)
            try Self.authorize(db, p, caseRow: c, .caseGet)
            let caseInfo = try Self.caseModel(db, c)
            let customer = try Self.customerModel(db, id: c["customer_id"])
            var values: [String: String] = ["case.id": caseInfo.id, "case.title": caseInfo.title, "customer.name": customer.name,
                                            "customer.first_name": String(customer.name.split(separator: " ").first ?? ""), "agent.name": p.name]
            if let crm = customer.crmId { values["customer.crm_id"] = crm }
            if let language = customer.language { values["customer.language"] = language }
            for (i, t) in caseInfo.tickets.enumerated() {
                values["case.tickets[\(i)].key"] = t.key
                values["case.tickets[\(i)].system"] = t.system
            }
            return KBRenderReply(text: try KBRules.render(template, values: values), article: article.id, version: article.version)
        }
    }
}
