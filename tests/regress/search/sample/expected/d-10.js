morgueSearch.load("d-10",{"zd":"Sf]0cLb!R"});
