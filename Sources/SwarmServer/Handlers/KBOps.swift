import Foundation
import SwarmProtocol

enum KBOps {
    static func register(_ t: inout [Op: OpHandler]) {
        t[.kbCreate] = { ctx in ctx.reply(try await ctx.store.createArticle(ctx.principal, try ctx.decode(KBCreateRequest.self))) }
        t[.kbUpdate] = { ctx in ctx.reply(try await ctx.store.updateArticle(ctx.principal, try ctx.decode(KBUpdateRequest.self), editorSkill: ctx.editorSkill)) }
        t[.kbState] = { ctx in ctx.reply(try await ctx.store.setArticleState(ctx.principal, try ctx.decode(KBStateRequest.self), editorSkill: ctx.editorSkill)) }
        t[.kbGet] = { ctx in ctx.reply(try await ctx.store.getArticle(ctx.principal, try ctx.decode(KBGetRequest.self), editorSkill: ctx.editorSkill)) }
        t[.kbList] = { ctx in ctx.reply(try await ctx.store.listArticles(ctx.principal, try ctx.decode(KBListRequest.self), editorSkill: ctx.editorSkill)) }
        t[.kbSearch] = { ctx in ctx.reply(try await ctx.store.searchArticles(ctx.principal, try ctx.decode(KBSearchRequest.self))) }
        t[.kbSuggest] = { ctx in ctx.reply(try await ctx.store.suggestArticles(ctx.principal, try ctx.decode(KBSuggestRequest.self))) }
        t[.kbShare] = { ctx in ctx.reply(try await ctx.store.shareArticle(ctx.principal, try ctx.decode(KBShareRequest.self), editorSkill: ctx.editorSkill)) }
        t[.kbSolved] = { ctx in ctx.reply(try await ctx.store.articleSolved(ctx.principal, try ctx.decode(KBSolvedRequest.self), editorSkill: ctx.editorSkill)) }
        t[.kbCapture] = { ctx in ctx.reply(try await ctx.store.captureArticle(ctx.principal, try ctx.decode(KBCaptureRequest.self))) }
        t[.kbRender] = { ctx in ctx.reply(try await ctx.store.renderArticle(ctx.principal, try ctx.decode(KBRenderRequest.self), editorSkill: ctx.editorSkill)) }
    }
}

extension RequestContext {
    var editorSkill: String { core.config.kbEditorSkill }
}
