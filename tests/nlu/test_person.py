"""A request for a person decides the intent wherever the family says it; a story that only
mentions a worker, a phone call or talking does not."""

import pytest

from nlu.person import asks_for_person

ASKS = [
    "我想找儿童主任 孩他爸坐牢了 我家在城关镇红旗村",
    "孩子他妈跑了三年了 俺想找村里的儿童主任问问",
    "转人工",
    "俺要跟真人说",
    "能不能让民政的人给俺打个电话",
    "请给我打个电话 我不会打字",
    "帮我转给主任",
    "請幫我找兒童主任 孩子爸爸走了",
    "孫仔個爸爸坐緊監 阿媽走咗 我想搵兒童主任",
    "俺儿子判了五年 儿媳妇跑了 娃上三年级 帮我转给主任",
    "孩子爸爸去世了妈妈改嫁 我想跟工作人员说说情况",
    "I want to talk to a person, my husband is in jail",
    "my son is 8 and his mum left. can someone call me back",
    "zhao er tong zhu ren",
    "zhaoertongzhuren wo jia zai hongqi cun",
]

STORIES = [
    "孩子他爸坐牢了 娃能有补助不",
    "孩子不愿和人说话 在学校也不吭声",
    "他爸从来不打电话给我",
    "儿童主任上次来过了 说可以申请低保",
    "主任说让我问你们",
    "my husband never calls me",
    "how do i apply for dibao",
]

TURNED_DOWN = ["不用找人工了 谢谢", "I don't need to talk to anyone, just tell me"]


@pytest.mark.parametrize("text", ASKS)
def test_an_outright_request_for_a_person_is_found_inside_a_story(text):
    assert asks_for_person(text)


@pytest.mark.parametrize("text", STORIES + TURNED_DOWN)
def test_a_story_that_mentions_people_or_calls_is_no_request(text):
    assert not asks_for_person(text)
